// The benchmark's table: one row per figure, rendered as plain text. Pure.

export interface Figure {
  benchmark: string;
  figure: string;
  /** Ours, as quoted (median of the repetitions). */
  ours: string;
  /** The peers' values and the comparison. */
  peers: string;
  target: string;
  /** null: reported for information, no target. */
  pass: boolean | null;
}

export function verdict(pass: boolean | null, smoke: boolean): string {
  if (pass === null) return '-';
  if (smoke) return pass ? '(pass)' : '(fail)';
  return pass ? 'PASS' : 'FAIL';
}

/** Fixed-width table; the smoke run puts verdicts in parentheses (too short to judge). */
export function renderTable(figures: readonly Figure[], smoke: boolean): string {
  const header = ['benchmark', 'figure', 'ours (median)', 'peers (median)', 'target', 'result'];
  const rows = figures.map((f) => [f.benchmark, f.figure, f.ours, f.peers, f.target, verdict(f.pass, smoke)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** Markdown version of the same table (for bench/README.md). */
export function renderMarkdown(figures: readonly Figure[], smoke: boolean): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| benchmark | figure | ours (median) | peers (median) | target | result |', '| --- | --- | --- | --- | --- | --- |'];
  for (const f of figures) {
    lines.push(`| ${[f.benchmark, f.figure, f.ours, f.peers, f.target, verdict(f.pass, smoke)].map(esc).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function signedPercent(value: number, digits: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)} %` : 'n/a';
}

export function thousands(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}
