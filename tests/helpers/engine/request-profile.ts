// Where a request's time goes: requests sent one at a time through one
// keep-alive connection, each timed phase by phase with the Profiler's self time
// (payload_generation, signature_generation, http_request, response_parsing
// inside end_to_end), and the HTTP request split further by undici's own events
// (HttpPhaseRecorder: waiting for a connection, connecting, sending, first byte,
// body). The caller waits for room in the rate-limit window and keeps the ledger
// from `onAnswer`.
import { Pool } from 'undici';
import { HttpPhaseRecorder, summarizeHttpPhases, type HttpPhaseReport } from './http-phases.ts';
import { DEFAULTS, MAX_TOTAL_REQUESTS } from './options.ts';
import { encodePayload, flatPayload } from './payloads.ts';
import { Profiler, type ProfileReport } from './profiler.ts';
import { signBody } from './signing.ts';

/** The span every phase of a profiled request nests in. */
export const PROFILE_ROOT = 'end_to_end';

export interface ProfileRequestsOptions {
  /** Absolute http(s) URL of the webhook endpoint. */
  url: string;
  /** Shared secret for the HMAC-SHA256 signature. */
  secret: string;
  /** How many requests, sent one after the other. */
  requests: number;
  /** Ticket id of request 0; request i uses ticketIdStart + i (a deduplicating service would answer a reused id without working). */
  ticketIdStart: number;
  /** Header carrying the signature. Default 'X-Freshdesk-Signature'. */
  signatureHeader?: string;
  /** Per-request limit for the headers and for the body. Default 30000. */
  timeoutMs?: number;
  /** Aborting it stops before the next request and cancels the one in flight. */
  signal?: AbortSignal;
  /** Called once per request sent, answered or not, before the answer is parsed. */
  onAnswer?: (answer: ProfiledAnswer) => void;
}

export interface ProfiledAnswer {
  /** 0-based request number. */
  index: number;
  /** The HTTP status; 0 when no answer came (the request threw). */
  status: number;
  /** Epoch ms when the request was sent and when its answer (or its error) came. */
  sentAt: number;
  answeredAt: number;
}

export interface RequestProfile {
  /** The client-side phases, self time, shares of end_to_end. */
  report: ProfileReport;
  /** The HTTP request split by undici's events, shares of end_to_end. */
  http: HttpPhaseReport;
  /** Each request's status, in order. */
  statuses: number[];
  /** The named phases' shares of end_to_end added up: at most 100 when nothing is counted twice. */
  phaseSharePercent: number;
  /** The HTTP phases' shares of end_to_end added up: part of it, so at most 100. */
  httpSharePercent: number;
}

/** Parses a JSON answer (what response_parsing measures); a body that is not JSON (an empty 202) is kept as text. */
function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sends `requests` signed requests one at a time and reports where their time went. Throws on a request without an answer. */
export async function profileRequests(options: ProfileRequestsOptions): Promise<RequestProfile> {
  const { requests, secret, signal, onAnswer } = options;
  if (!Number.isInteger(requests) || requests < 1 || requests > MAX_TOTAL_REQUESTS) {
    throw new RangeError(`profileRequests: requests must be a whole number from 1 to ${MAX_TOTAL_REQUESTS} (got ${requests})`);
  }
  const url = new URL(options.url);
  const header = (options.signatureHeader ?? DEFAULTS.signatureHeader).toLowerCase();
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const pool = new Pool(url.origin, { connections: 1 });
  const profiler = new Profiler();
  const statuses: number[] = [];
  const httpPhases = new HttpPhaseRecorder(url.origin).start();
  try {
    for (let index = 0; index < requests; index += 1) {
      signal?.throwIfAborted();
      await profiler.measure(PROFILE_ROOT, async () => {
        const body = profiler.measureSync('payload_generation', () => encodePayload(flatPayload(index, options.ticketIdStart + index)));
        const signature = profiler.measureSync('signature_generation', () => signBody(secret, body));
        const sentAt = Date.now();
        let status = 0;
        const text = await profiler
          .measure('http_request', async () => {
            const response = await pool.request({
              method: 'POST',
              path: url.pathname + url.search,
              headers: { 'content-type': 'application/json', [header]: signature },
              body,
              headersTimeout: timeoutMs,
              bodyTimeout: timeoutMs,
              ...(signal ? { signal } : {}),
            });
            status = response.statusCode;
            return response.body.text();
          })
          .finally(() => onAnswer?.({ index, status, sentAt, answeredAt: Date.now() }));
        profiler.measureSync('response_parsing', () => parseAnswer(text));
        statuses.push(status);
      });
    }
  } finally {
    httpPhases.stop();
    await pool.close();
  }
  const report = profiler.report(PROFILE_ROOT);
  const http = summarizeHttpPhases(httpPhases.samples, { name: report.root, totalMs: report.rootTotalMs }, httpPhases.errors);
  const sum = (shares: number[]) => shares.reduce((total, share) => total + share, 0);
  return {
    report,
    http,
    statuses,
    phaseSharePercent: sum(report.rows.filter((row) => row.operation !== report.root).map((row) => row.percentOfRoot)),
    httpSharePercent: sum(http.rows.map((row) => row.percentOfRoot)),
  };
}
