// Where an HTTP request's time goes, from undici's diagnostics_channel events:
// waiting for a connection, connecting, sending, waiting for the first byte
// (the server's time) and receiving the body. The recorder is the I/O edge
// (it subscribes to the channels); the arithmetic and the report are pure.
//
// Limits: a request that a Pool queues before any of its clients takes it is
// not created yet, so that wait is not seen here (the profiler's http_request
// span still counts it). Connect events carry no request: a connection is
// charged to the first request sent on its socket, and a connect start is
// matched to its socket in order per connector (exact for one request at a time).
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { percentile, sortedValues } from './statistics.ts';

export const HTTP_PHASES = ['waiting_for_connection', 'connecting', 'sending', 'waiting_for_first_byte', 'receiving_body'] as const;
export type HttpPhase = (typeof HTTP_PHASES)[number];

/** Whose time a phase is: first byte is the server's (plus one network trip); the rest is the client's side. */
export const PHASE_SIDE: Record<HttpPhase, 'client' | 'server'> = {
  waiting_for_connection: 'client',
  connecting: 'client',
  sending: 'client',
  waiting_for_first_byte: 'server',
  receiving_body: 'client',
};

/** The advice (connection pooling, caching, faster JSON), per phase. */
export const PHASE_ADVICE: Record<HttpPhase, string> = {
  waiting_for_connection:
    'requests queue for a free connection: enable connection pooling with more connections (or lower the concurrency)',
  connecting: 'new TCP connections on the hot path: enable connection pooling with keep-alive so connections are reused',
  sending: 'large or slow request bodies: send smaller payloads; serialize with a faster JSON encoder',
  waiting_for_first_byte:
    "the server's own time (its external API calls dominate): add caching and connection pooling to the Freshdesk client (expected 200-500 ms for external APIs)",
  receiving_body: 'large responses: return smaller bodies; parse with a faster JSON decoder',
};

/** Monotonic timestamps (ms) of one request's events. */
export interface RequestTimestamps {
  createdMs: number;
  /** Set when this request's send waited for a new connection. */
  connectStartMs?: number;
  connectedMs?: number;
  headersSentMs: number;
  bodySentMs: number;
  firstByteMs: number;
  endMs: number;
}

export interface HttpPhaseSample {
  origin: string;
  path: string;
  status: number;
  newConnection: boolean;
  phases: Record<HttpPhase, number>;
  totalMs: number;
}

/** Pure: the five phases of one request (each >= 0; they add up to end - created). */
export function phasesOf(t: RequestTimestamps): { phases: Record<HttpPhase, number>; totalMs: number } {
  const clamp = (value: number) => (Number.isFinite(value) && value > 0 ? value : 0);
  const beforeSend = clamp(t.headersSentMs - t.createdMs);
  let connecting = 0;
  if (t.connectStartMs !== undefined && t.connectedMs !== undefined) {
    // Only the part of the connect that this request waited for.
    connecting = Math.min(beforeSend, clamp(t.connectedMs - Math.max(t.connectStartMs, t.createdMs)));
  }
  return {
    phases: {
      waiting_for_connection: beforeSend - connecting,
      connecting,
      sending: clamp(t.bodySentMs - t.headersSentMs),
      waiting_for_first_byte: clamp(t.firstByteMs - t.bodySentMs),
      receiving_body: clamp(t.endMs - t.firstByteMs),
    },
    totalMs: clamp(t.endMs - t.createdMs),
  };
}

interface Pending {
  origin: string;
  path: string;
  createdMs: number;
  connectStartMs?: number;
  connectedMs?: number;
  headersSentMs?: number;
  bodySentMs?: number;
  firstByteMs?: number;
  status: number;
}

/** undici's Request as the channels publish it (only the fields read here). */
interface ChannelRequest {
  origin?: unknown;
  path?: unknown;
}

/**
 * Records the phases of every undici request to `origin` (all origins when
 * omitted) between start() and stop(). Use one at a time per process.
 */
export class HttpPhaseRecorder {
  private readonly pending = new WeakMap<object, Pending>();
  /** Connect starts not yet matched to a socket, per connector function. */
  private readonly connectStarts = new Map<unknown, number[]>();
  /** Sockets connected while recording and not yet used by a request. */
  private readonly freshSockets = new WeakMap<object, { startMs: number; endMs: number }>();
  private readonly done: HttpPhaseSample[] = [];
  private errorCount = 0;
  private readonly handlers: [string, (message: unknown) => void][];
  private subscribed = false;

  constructor(
    private readonly origin?: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.handlers = [
      ['undici:request:create', (m) => this.onCreate(m as { request: ChannelRequest })],
      ['undici:client:beforeConnect', (m) => this.onBeforeConnect(m as { connector: unknown })],
      ['undici:client:connected', (m) => this.onConnected(m as { connector: unknown; socket: object })],
      ['undici:client:connectError', (m) => this.connectStarts.get((m as { connector: unknown }).connector)?.shift()],
      ['undici:client:sendHeaders', (m) => this.onSendHeaders(m as { request: object; socket: object })],
      ['undici:request:bodySent', (m) => this.at(m, (p) => (p.bodySentMs = this.now()))],
      ['undici:request:headers', (m) => this.onHeaders(m as { request: object; response: { statusCode: number } })],
      ['undici:request:trailers', (m) => this.onEnd(m as { request: object })],
      ['undici:request:error', (m) => this.onError(m as { request: object })],
    ];
  }

  start(): this {
    if (!this.subscribed) for (const [name, handler] of this.handlers) diagnostics.subscribe(name, handler);
    this.subscribed = true;
    return this;
  }

  stop(): this {
    if (this.subscribed) for (const [name, handler] of this.handlers) diagnostics.unsubscribe(name, handler);
    this.subscribed = false;
    return this;
  }

  /** Completed requests, in completion order. */
  get samples(): readonly HttpPhaseSample[] {
    return this.done;
  }

  /** Requests that failed (no phases recorded for them). */
  get errors(): number {
    return this.errorCount;
  }

  private at(message: unknown, update: (pending: Pending) => void): void {
    const request = (message as { request?: object }).request;
    const pending = request === undefined ? undefined : this.pending.get(request);
    if (pending) update(pending);
  }

  private onCreate({ request }: { request: ChannelRequest }): void {
    const origin = String(request.origin ?? '');
    if (this.origin !== undefined && origin !== this.origin) return;
    this.pending.set(request, { origin, path: String(request.path ?? ''), createdMs: this.now(), status: 0 });
  }

  private onBeforeConnect({ connector }: { connector: unknown }): void {
    const starts = this.connectStarts.get(connector) ?? [];
    starts.push(this.now());
    this.connectStarts.set(connector, starts);
  }

  private onConnected({ connector, socket }: { connector: unknown; socket: object }): void {
    const startMs = this.connectStarts.get(connector)?.shift();
    if (startMs !== undefined) this.freshSockets.set(socket, { startMs, endMs: this.now() });
  }

  private onSendHeaders({ request, socket }: { request: object; socket: object }): void {
    const pending = this.pending.get(request);
    if (!pending) return;
    pending.headersSentMs = this.now();
    const fresh = this.freshSockets.get(socket);
    if (fresh) {
      this.freshSockets.delete(socket); // charged to its first request only
      pending.connectStartMs = fresh.startMs;
      pending.connectedMs = fresh.endMs;
    }
  }

  private onHeaders({ request, response }: { request: object; response: { statusCode: number } }): void {
    const pending = this.pending.get(request);
    if (!pending || pending.firstByteMs !== undefined) return; // 1xx answers come first; keep the earliest byte
    pending.firstByteMs = this.now();
    pending.status = response.statusCode;
  }

  private onEnd({ request }: { request: object }): void {
    const p = this.pending.get(request);
    if (!p) return;
    this.pending.delete(request);
    const endMs = this.now();
    const headersSentMs = p.headersSentMs ?? p.createdMs;
    const bodySentMs = p.bodySentMs ?? headersSentMs;
    const { phases, totalMs } = phasesOf({
      createdMs: p.createdMs,
      connectStartMs: p.connectStartMs,
      connectedMs: p.connectedMs,
      headersSentMs,
      bodySentMs,
      firstByteMs: p.firstByteMs ?? endMs,
      endMs,
    });
    this.done.push({ origin: p.origin, path: p.path, status: p.status, newConnection: p.connectedMs !== undefined, phases, totalMs });
  }

  private onError({ request }: { request: object }): void {
    if (this.pending.delete(request)) this.errorCount++;
  }
}

export interface HttpPhaseRow {
  phase: HttpPhase;
  side: 'client' | 'server';
  totalMs: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** totalMs as a share of the reference total (end-to-end when given, else the HTTP time). */
  percentOfRoot: number;
}

export interface HttpPhaseReport {
  requests: number;
  errors: number;
  newConnections: number;
  /** Sum of the requests' HTTP time (created to last byte). */
  httpTotalMs: number;
  /** What the shares are relative to. */
  rootName: string;
  rootTotalMs: number;
  rows: HttpPhaseRow[];
}

/** Pure: per-phase totals and percentiles; shares relative to `root` (e.g. the profiler's end_to_end) or to the HTTP time. */
export function summarizeHttpPhases(
  samples: readonly HttpPhaseSample[],
  root?: { name: string; totalMs: number },
  errors = 0,
): HttpPhaseReport {
  const httpTotalMs = samples.reduce((sum, s) => sum + s.totalMs, 0);
  const rootName = root?.name ?? 'http_total';
  const rootTotalMs = root?.totalMs ?? httpTotalMs;
  const rows = HTTP_PHASES.map((phase): HttpPhaseRow => {
    const values = samples.map((s) => s.phases[phase]);
    const sorted = sortedValues(values);
    const totalMs = values.reduce((sum, v) => sum + v, 0);
    return {
      phase,
      side: PHASE_SIDE[phase],
      totalMs,
      avgMs: samples.length > 0 ? totalMs / samples.length : Number.NaN,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
      percentOfRoot: rootTotalMs > 0 ? (totalMs / rootTotalMs) * 100 : 0,
    };
  });
  return {
    requests: samples.length,
    errors,
    newConnections: samples.filter((s) => s.newConnection).length,
    httpTotalMs,
    rootName,
    rootTotalMs,
    rows,
  };
}

export interface HttpBottleneck {
  phase: HttpPhase;
  percentOfRoot: number;
  avgMs: number;
  side: 'client' | 'server';
  advice: string;
  /** One line saying where the time is, whose it is, and what to do. */
  message: string;
}

/** Pure: phases over `thresholdPercent` of the root, largest first, with the advice for each. */
export function findHttpBottlenecks(report: HttpPhaseReport, thresholdPercent: number): HttpBottleneck[] {
  return report.rows
    .filter((row) => row.percentOfRoot > thresholdPercent)
    .sort((a, b) => b.percentOfRoot - a.percentOfRoot)
    .map((row) => {
      const whose =
        row.side === 'server'
          ? "the server's time (waiting for the first byte), not the client's"
          : "the client's side (connection handling and transfer), not the server's processing";
      const advice = PHASE_ADVICE[row.phase];
      return {
        phase: row.phase,
        percentOfRoot: row.percentOfRoot,
        avgMs: row.avgMs,
        side: row.side,
        advice,
        message: `${row.phase}: ${row.percentOfRoot.toFixed(1)}% of ${report.rootName} (avg ${row.avgMs.toFixed(2)} ms) is ${whose}. Advice: ${advice}`,
      };
    });
}

/** Pure: the HTTP phase table and its bottleneck analysis, as console text. */
export function formatHttpPhases(report: HttpPhaseReport, thresholdPercent: number): string {
  const line = '='.repeat(78);
  const lines = [
    line,
    `HTTP phases (undici diagnostics): ${report.requests} requests, ${report.newConnections} new connections, ${report.errors} errors`,
    line,
    '',
    `${'Phase'.padEnd(24)} ${'Side'.padEnd(7)} ${'Total (ms)'.padStart(11)} ${'Avg'.padStart(9)} ${'P50'.padStart(9)} ${'P95'.padStart(9)} ${`% ${report.rootName}`.padStart(6)}`,
    '-'.repeat(78),
  ];
  const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
  for (const row of report.rows) {
    lines.push(
      `${row.phase.padEnd(24)} ${row.side.padEnd(7)} ${fixed(row.totalMs).padStart(11)} ${fixed(row.avgMs).padStart(9)} ${fixed(row.p50Ms).padStart(9)} ${fixed(row.p95Ms).padStart(9)} ${`${row.percentOfRoot.toFixed(1)}%`.padStart(6)}`,
    );
  }
  lines.push(
    '-'.repeat(78),
    `${'HTTP total'.padEnd(32)} ${fixed(report.httpTotalMs).padStart(11)}   (${report.rootName}: ${fixed(report.rootTotalMs)} ms)`,
  );
  lines.push(line, '', 'HTTP Bottleneck Analysis:', '-'.repeat(78));
  const bottlenecks = findHttpBottlenecks(report, thresholdPercent);
  if (bottlenecks.length === 0) lines.push(`No HTTP phase over ${thresholdPercent}% of ${report.rootName}.`);
  for (const b of bottlenecks) lines.push(`!  ${b.message}`);
  return lines.join('\n');
}
