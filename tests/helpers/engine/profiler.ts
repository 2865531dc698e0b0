// Where a request's time goes, as nested spans. Summing nested timings would
// count them twice in "% of total"; here every operation is
// charged its SELF time (its own time minus its children's), so the shares of
// one root add up to 100 % at most, with the rest shown as unaccounted.

export interface ProfileRow {
  operation: string;
  count: number;
  totalMs: number;
  avgMs: number;
  /** Time not spent in nested operations. */
  selfMs: number;
  /** selfMs as a share of the root operation's total. */
  percentOfRoot: number;
}

export interface ProfileReport {
  root: string;
  rootTotalMs: number;
  rows: ProfileRow[];
  /** Root time spent outside every named child (framework, awaits, GC). */
  unaccountedMs: number;
}

interface OpenSpan {
  name: string;
  start: number;
  childMs: number;
}

export class Profiler {
  private readonly stack: OpenSpan[] = [];
  private readonly totals = new Map<string, { count: number; totalMs: number; selfMs: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Times `fn` as `name`, nested inside whatever span is open. Spans must nest
   * (one request at a time): concurrent spans would charge each other.
   */
  async measure<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.open(name);
    try {
      return await fn();
    } finally {
      this.close();
    }
  }

  measureSync<T>(name: string, fn: () => T): T {
    this.open(name);
    try {
      return fn();
    } finally {
      this.close();
    }
  }

  private open(name: string): void {
    this.stack.push({ name, start: this.now(), childMs: 0 });
  }

  private close(): void {
    const span = this.stack.pop();
    if (!span) throw new Error('Profiler: close() without an open span');
    const elapsed = this.now() - span.start;
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.childMs += elapsed;
    const entry = this.totals.get(span.name) ?? { count: 0, totalMs: 0, selfMs: 0 };
    entry.count += 1;
    entry.totalMs += elapsed;
    entry.selfMs += elapsed - span.childMs;
    this.totals.set(span.name, entry);
  }

  /** Rows sorted by self time, shares relative to `root` (e.g. 'end_to_end'). */
  report(root: string): ProfileReport {
    const rootEntry = this.totals.get(root);
    if (!rootEntry) throw new Error(`Profiler: no span named "${root}" was measured`);
    const rows = [...this.totals.entries()].map(([operation, e]) => ({
      operation,
      count: e.count,
      totalMs: e.totalMs,
      avgMs: e.totalMs / e.count,
      selfMs: e.selfMs,
      percentOfRoot: rootEntry.totalMs > 0 ? (e.selfMs / rootEntry.totalMs) * 100 : 0,
    }));
    rows.sort((a, b) => b.selfMs - a.selfMs);
    return { root, rootTotalMs: rootEntry.totalMs, rows, unaccountedMs: rootEntry.selfMs };
  }
}

/** Operations whose self time is over `thresholdPercent` of the root, largest first. */
export function findBottlenecks(report: ProfileReport, thresholdPercent: number): ProfileRow[] {
  return report.rows.filter((row) => row.operation !== report.root && row.percentOfRoot > thresholdPercent);
}

/** The advice for each named operation. */
const ADVICE: Record<string, string> = {
  http_request: 'External API latency dominates: enable connection pooling, add caching (expected 200-500 ms for external APIs)',
  signature_generation: 'HMAC computation: already minimal; expected < 10 ms per request',
  payload_generation: 'JSON serialization: use a faster serializer; expected < 5 ms per request',
  response_parsing: 'JSON deserialization: use a faster parser or smaller responses',
};

/** Pure: the "Performance Profile Report" table plus a bottleneck analysis. */
export function formatProfile(report: ProfileReport, thresholdPercent: number): string {
  const line = '='.repeat(78);
  const lines = [
    line,
    'Performance Profile Report (self time: nested operations are not counted twice)',
    line,
    '',
    `${'Operation'.padEnd(28)} ${'Total (ms)'.padStart(11)} ${'Self (ms)'.padStart(11)} ${'Avg (ms)'.padStart(10)} ${'Count'.padStart(6)} ${'% e2e'.padStart(7)}`,
    '-'.repeat(78),
  ];
  const format = (name: string, row: ProfileRow, percent: number) =>
    `${name.padEnd(28)} ${row.totalMs.toFixed(2).padStart(11)} ${row.selfMs.toFixed(2).padStart(11)} ${row.avgMs.toFixed(2).padStart(10)} ${String(row.count).padStart(6)} ${percent.toFixed(1).padStart(6)}%`;
  const root = report.rows.find((row) => row.operation === report.root);
  for (const row of report.rows) if (row !== root) lines.push(format(row.operation, row, row.percentOfRoot));
  if (root) {
    lines.push(
      `${'(not in a named operation)'.padEnd(28)} ${''.padStart(11)} ${report.unaccountedMs.toFixed(2).padStart(11)} ${''.padStart(10)} ${''.padStart(6)} ${root.percentOfRoot.toFixed(1).padStart(6)}%`,
    );
    lines.push('-'.repeat(78), format(report.root, root, 100));
  }
  lines.push(line, '', 'Bottleneck Analysis:', '-'.repeat(78));
  const bottlenecks = findBottlenecks(report, thresholdPercent);
  if (bottlenecks.length === 0) lines.push(`No operation over ${thresholdPercent}% of ${report.root}.`);
  for (const row of bottlenecks) {
    lines.push(`!  ${row.operation}: ${row.percentOfRoot.toFixed(1)}% of ${report.root} (avg: ${row.avgMs.toFixed(2)}ms)`);
    const advice = ADVICE[row.operation];
    if (advice) lines.push(`   ${advice}`);
  }
  return lines.join('\n');
}
