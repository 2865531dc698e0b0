import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../helpers/config/settings.ts';
import { classifyAgainstTargets, classifyValue, formatTargetsTable } from '../../helpers/analysis/targets.ts';

const { targets } = parseConfig({ WEBHOOK_SECRET: 's' });

describe('targets table', () => {
  it('classifies lower-is-better and higher-is-better rows at their edges', () => {
    expect(classifyValue(500, targets.p50Ms, false)).toBe('target');
    expect(classifyValue(500.1, targets.p50Ms, false)).toBe('acceptable');
    expect(classifyValue(1000.1, targets.p50Ms, false)).toBe('action required');
    expect(classifyValue(99, targets.successRatePercent, true)).toBe('target');
    expect(classifyValue(96, targets.successRatePercent, true)).toBe('acceptable');
    expect(classifyValue(94.9, targets.successRatePercent, true)).toBe('action required');
  });

  it('classifies a whole run and renders the table', () => {
    const verdicts = classifyAgainstTargets(
      { successRatePercent: 100, p50Ms: 230, p95Ms: 2500, p99Ms: 12000, throughputPerMinute: 70 },
      targets,
    );
    expect(verdicts.map((v) => v.verdict)).toEqual(['target', 'target', 'acceptable', 'action required', 'acceptable']);
    const table = formatTargetsTable(verdicts);
    expect(table).toContain('P99 latency');
    expect(table).toMatch(/12000\.00 ms .*action required/);
  });
});
