// Every warning of a run in one list, for the end of the run, summary.md and the HTML: the
// set-up's (in every spec's report) once for the run, then each spec's own, each text once. Pure.
import type { SpecReport } from '../model/index.ts';

export interface RunWarning {
  /** The specs that gave it; empty: the run's own (its set-up's). */
  specs: string[];
  text: string;
}

const strings = (list: unknown): string[] => (Array.isArray(list) ? list.map(String) : []);

/** The run's warnings: the set-up's first, then each spec's own in order, each text once. */
export function runWarnings(reports: readonly Pick<SpecReport, 'spec' | 'warnings' | 'setupWarnings'>[]): RunWarning[] {
  const setup = [...new Set(reports.flatMap((r) => strings(r.setupWarnings)))];
  const out: RunWarning[] = setup.map((text) => ({ specs: [], text }));
  const bySpec = new Map<string, RunWarning>();
  for (const report of reports) {
    for (const text of strings(report.warnings)) {
      const seen = bySpec.get(text);
      if (seen === undefined) {
        const warning = { specs: [report.spec], text };
        bySpec.set(text, warning);
        out.push(warning);
      } else if (!seen.specs.includes(report.spec)) seen.specs.push(report.spec);
    }
  }
  return out;
}

/** `[standard] text`, or the text alone for the run's own. */
export function warningLine(warning: RunWarning): string {
  return warning.specs.length === 0 ? warning.text : `[${warning.specs.join(', ')}] ${warning.text}`;
}

/** The block printed at the end of a run: empty when there was no warning. */
export function warningsBlock(warnings: readonly RunWarning[]): string[] {
  if (warnings.length === 0) return [];
  return [
    `[perf] ${warnings.length} warning${warnings.length === 1 ? '' : 's'} in this run:`,
    ...warnings.map((w) => `  - ${warningLine(w)}`),
  ];
}
