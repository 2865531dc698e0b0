// npm run perf:baseline [-- --from reports/performance --to reports/baseline]
// Saves the current spec reports as the baseline that PERF_BASELINE compares later runs with.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { saveBaseline } from '../tests/helpers/report/index.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: process.env.PERF_REPORT_DIR || 'reports/performance' },
    to: { type: 'string', default: 'reports/baseline' },
  },
});

try {
  const written = await saveBaseline(resolve(values.from), resolve(values.to));
  console.log(`Saved ${written.length} spec reports as the baseline in ${values.to}:`);
  for (const file of written) console.log(`  ${file}`);
  console.log(`Compare a later run with it: PERF_BASELINE=${values.to} npx vitest run tests/performance`);
} catch (error) {
  console.error(`perf:baseline: ${(error as Error).message}`);
  process.exit(1);
}
