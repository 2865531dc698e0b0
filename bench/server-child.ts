// A benchmark target server, run as its own process (see server.ts) so the load
// generator and the server never share an event loop. node:http on 127.0.0.1,
// port 0; it reports its port over IPC and answers 200 to every request:
//   minimal: at once;   delay: `delayMs` after the request arrived (to the 0.1 ms:
//            a timer gets close, then the loop polls the monotonic clock);
//   stall:   requests arriving from `stallAtMs` to `stallAtMs + stallMs` after the
//            first arrival are held until the stall ends (once per reset).
// It counts arrivals on a monotonic clock (process.hrtime.bigint) and, when asked,
// keeps every arrival time so the parent can measure the rate it was offered; asked
// for buckets, it also counts arrivals per fixed-width bucket from the first arrival.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BucketCounter } from './buckets.ts';

export type ServerMode = 'minimal' | 'delay' | 'stall';

export interface ServerConfig {
  mode: ServerMode;
  delayMs?: number;
  stallAtMs?: number;
  stallMs?: number;
}

/** Parent -> child. */
export type ServerCommand = { type: 'reset'; keepArrivals: boolean; bucketMs?: number } | { type: 'report' };

/** Child -> parent. */
export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'reset' }
  | {
      type: 'report';
      count: number;
      /** ms from the first to the last arrival (0 below two arrivals). */
      spanMs: number;
      /** Arrival times in ms from the first arrival; empty unless keepArrivals was set. */
      arrivalsMs: number[];
      /** Arrivals beyond the kept-times capacity (counted, not timed). */
      droppedArrivals: number;
      /** Arrivals per bucket of the reset's bucketMs from the first arrival (empty without bucketMs). */
      buckets: number[];
      /** Arrivals after the last bucket the server keeps (MAX_BUCKETS). */
      beyondBuckets: number;
    };

/** Bound on kept arrival times (8 bytes each); pacing runs need at most 50,000. */
const MAX_KEPT_ARRIVALS = 500_000;
/** Bound on buckets per reset (an hour of one-second buckets). */
const MAX_BUCKETS = 3600;
const BODY = Buffer.from('{"ok":true}');
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? '{"mode":"minimal"}') as ServerConfig;
const delayMs = config.delayMs ?? 0;
const delayNs = BigInt(Math.round(delayMs * 1e6));
/** setTimeout may fire up to about a millisecond late; it is set this much early and the rest is polled. */
const TIMER_SLACK_MS = 2;
const stallAtNs = BigInt(Math.round((config.stallAtMs ?? 0) * 1e6));
const stallEndNs = stallAtNs + BigInt(Math.round((config.stallMs ?? 0) * 1e6));

let count = 0;
let firstNs = 0n;
let lastNs = 0n;
let keepArrivals = false;
let kept = new Float64Array(0);
let keptCount = 0;
let buckets: BucketCounter | null = null;

function respond(res: ServerResponse): void {
  res.writeHead(200, HEADERS);
  res.end(BODY);
}

/** Answers once the monotonic clock reaches `deadline`, polling once per loop turn near the end. */
function respondAt(res: ServerResponse, deadline: bigint): void {
  if (process.hrtime.bigint() >= deadline) respond(res);
  else setImmediate(respondAt, res, deadline);
}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  const now = process.hrtime.bigint();
  if (count === 0) firstNs = now;
  lastNs = now;
  count++;
  if (keepArrivals && keptCount < kept.length) kept[keptCount++] = Number(now - firstNs) / 1e6;
  buckets?.add(Number(now - firstNs) / 1e6);
  req.resume();
  if (config.mode === 'minimal') {
    req.on('end', () => respond(res));
  } else if (config.mode === 'delay') {
    const deadline = now + delayNs;
    req.on('end', () => setTimeout(respondAt, Math.max(0, delayMs - TIMER_SLACK_MS), res, deadline));
  } else {
    const sinceFirst = now - firstNs;
    const holdMs = sinceFirst >= stallAtNs && sinceFirst < stallEndNs ? Number(stallEndNs - sinceFirst) / 1e6 : 0;
    req.on('end', () => (holdMs > 0 ? setTimeout(respond, holdMs, res) : respond(res)));
  }
}

function handle(command: ServerCommand): void {
  if (command.type === 'reset') {
    count = 0;
    keptCount = 0;
    keepArrivals = command.keepArrivals;
    if (keepArrivals && kept.length === 0) kept = new Float64Array(MAX_KEPT_ARRIVALS);
    buckets = command.bucketMs === undefined ? null : new BucketCounter(command.bucketMs, MAX_BUCKETS);
    send({ type: 'reset' });
  } else {
    send({
      type: 'report',
      count,
      spanMs: count >= 2 ? Number(lastNs - firstNs) / 1e6 : 0,
      arrivalsMs: Array.from(kept.subarray(0, keptCount)),
      droppedArrivals: keepArrivals ? count - keptCount : 0,
      buckets: buckets?.toArray() ?? [],
      beyondBuckets: buckets?.beyond ?? 0,
    });
  }
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

const server = createServer({ keepAliveTimeout: 60_000 }, onRequest);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bench server: no TCP address');
  send({ type: 'ready', port: address.port });
});
process.on('message', (message) => handle(message as ServerCommand));
// The parent going away (normally or not) ends the server.
process.on('disconnect', () => process.exit(0));
