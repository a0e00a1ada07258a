import { buildSpa, SPA_DIST } from '../bundle/build.ts';
import { FIRST_LOAD_BUDGET_BYTES, firstLoadJs } from '../bundle/first-load.ts';
import { judge } from '../report/model.ts';
import type { ScenarioReport } from '../report/model.ts';
import type { Scenario } from './scenario.ts';

/** The SPA's production build: JavaScript gzipped on first load, against a fixed budget (not a timing). */
export async function bundleReport(): Promise<ScenarioReport> {
  await buildSpa();
  const { files, gzipBytes } = firstLoadJs(SPA_DIST);
  const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
  const verdict = judge(gzipBytes, { max: FIRST_LOAD_BUDGET_BYTES });
  return {
    id: 'spa-bundle',
    rows: [
      {
        scenario: 'SPA production build',
        baseline: '—',
        figure: 'first-load JavaScript, gzip -9',
        value: kb(gzipBytes),
        budget: `≤ ${kb(FIRST_LOAD_BUDGET_BYTES)}`,
        verdict,
      },
    ],
    details: [
      `- **SPA first load**: ${files.map((f) => `${f.file} ${kb(f.gzipBytes)} gz (${kb(f.bytes)})`).join('; ')}`,
    ],
    // Unlike a throughput figure, this one is deterministic: over budget is a failure even in a smoke run.
    errors:
      verdict === 'missed'
        ? [`first-load JavaScript is ${kb(gzipBytes)} gzipped, over ${kb(FIRST_LOAD_BUDGET_BYTES)}`]
        : [],
  };
}

export const bundleScenario: Scenario = { id: 'spa-bundle', servers: [], run: bundleReport };
