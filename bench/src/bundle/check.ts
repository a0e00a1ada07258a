import { installCleanup } from '../runner/processes.ts';
import { bundleReport } from '../scenarios/bundle.ts';

/** `pnpm bench:bundle`: builds the SPA and fails when its first-load JavaScript is over budget. */
installCleanup();
const report = await bundleReport();
for (const line of [
  ...report.rows.map((r) => `${r.figure}: ${r.value} (budget ${r.budget})`),
  ...report.details,
]) {
  console.log(line);
}
if (report.errors.length > 0) {
  console.error(report.errors.join('\n'));
  process.exit(1);
}
