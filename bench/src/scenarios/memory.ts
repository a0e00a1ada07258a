import { formatBudget, judge, type Budget, type Row } from '../report/model.ts';
import { startChild } from '../runner/child-server.ts';
import type { MeasureOptions, MemoryFigures } from '../memory/measure.ts';
import type { Scenario } from './scenario.ts';

/** Memory per stored session, against the size of the session's own JSON. */
const BUDGETS: Record<'redis' | 'memory', Budget> = { redis: { max: 1.15 }, memory: { max: 1.3 } };

export const memoryScenario: Scenario = {
  id: 'memory-per-session',
  servers: [],
  async run({ profile, cores, settings }) {
    const options: MeasureOptions = {
      sessions: profile.memorySessions,
      redisUrl: settings.redisUrl,
      redisKeyPrefix: `${settings.redisKeyPrefix}memory:`,
    };
    const child = await startChild<MemoryFigures>(
      'memory measurement',
      new URL('../memory/measure.ts', import.meta.url),
      options,
      { core: cores.serverCore, nodeArgs: ['--expose-gc'] },
    );
    await child.stop();
    const m = child.info;
    const title = `memory per session at ${m.sessions.toLocaleString('en')} sessions`;
    const row = (figure: string, ratio: number, budget: Budget): Row => ({
      scenario: title,
      baseline: "the session's JSON size",
      figure,
      value: ratio.toFixed(2),
      budget: formatBudget(budget),
      verdict: judge(ratio, budget),
    });
    const bytes = (value: number): string => `${Math.round(value).toLocaleString('en')} B`;
    return {
      id: 'memory-per-session',
      rows: [
        row('Redis (MEMORY USAGE) ÷ JSON', m.redisBytesPerSession / m.jsonBytesPerSession, BUDGETS.redis),
        row(
          'memory store (heap delta) ÷ JSON',
          m.heapBytesPerSession / m.jsonBytesPerSession,
          BUDGETS.memory,
        ),
      ],
      details: [
        `- **${title}**: JSON ${bytes(m.jsonBytesPerSession)}/session; Redis ${bytes(m.redisBytesPerSession)}/session ` +
          `in ${m.redisKeysPerSession.toFixed(2)} keys/session; memory store ${bytes(m.heapBytesPerSession)}/session of heap`,
      ],
      errors: [],
    };
  },
};
