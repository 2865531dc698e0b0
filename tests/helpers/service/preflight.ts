// Before any spec: is the service there, does it accept our signature, does it
// publish metrics? Fails fast, with troubleshooting hints for each cause.
import { request } from 'undici';
import { bodyCheckFor } from '#engine';
import { formatStatuses, type SuccessRule } from '../config/index.ts';
import { fetchMetrics, type MetricsResult } from './metrics-client.ts';
import { LOAD_TEST_DEFAULTS as DEFAULTS } from '#engine';
import { flatPayload } from '#engine';
import type { StackEndpoints } from '../providers/index.ts';
import {
  answerTimes,
  formatPolicy,
  planWait,
  RATE_LIMIT_HEADERS,
  waitMessage,
  type RateLedger,
  type RateLimitPolicy,
} from '../rate-limit/index.ts';
import { signBody } from '#engine';

const SIGNATURE_HEADER = DEFAULTS.signatureHeader.toLowerCase();

export interface PreflightResult {
  /** null: not asked, the service has no health URL (WEBHOOK_HEALTH_URL=none); the signed probe was the readiness check. */
  healthStatus: number | null;
  healthMs: number | null;
  /** How long the signed probe took (the readiness check when there is no health URL). */
  probeMs: number;
  probeStatus: number;
  /** The signed probe's rate-limit headers (RATE_LIMIT_HEADERS), for RATE_LIMIT=auto. */
  probeRateLimitHeaders: Record<string, string>;
  metrics: MetricsResult;
  warnings: string[];
}

export class PreflightError extends Error {
  override name = 'PreflightError';
}

/** Certificate errors a private CA causes: Node does not trust the issuer. */
const UNTRUSTED_CERT_CODES = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
];

/** The error code of a failed request (undici puts it on the error or on its cause). */
export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What to do about a connection that failed on TLS, or undefined when it is no TLS error. */
export function tlsHint(error: unknown): string | undefined {
  const code = errorCode(error) ?? '';
  const message = `${(error as Error | undefined)?.message ?? ''} ${(error as { cause?: Error } | undefined)?.cause?.message ?? ''}`;
  if (UNTRUSTED_CERT_CODES.includes(code)) {
    return (
      `TLS: the service's certificate is not signed by a CA Node trusts (${code}). A certificate from a private CA needs ` +
      'NODE_EXTRA_CA_CERTS=/path/ca.pem (the CA certificate, PEM) in the environment of the run: ' +
      'NODE_EXTRA_CA_CERTS=/path/ca.pem npx vitest run tests/performance. Node reads it when it starts, so it cannot come from .env or .env.test.'
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS: the service's certificate is not issued for this host name (${code}): use the host name the certificate names in WEBHOOK_URL.`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `TLS: the service's certificate is not valid now (${code}): renew it, or check this machine's clock.`;
  }
  if (/wrong version number|ERR_SSL_/i.test(`${code} ${message}`)) {
    return `TLS: the handshake failed (${code || message.trim()}): is the port plain HTTP? Then WEBHOOK_URL starts with http://, not https://.`;
  }
  return undefined;
}

/** `CODE: message`, and the TLS hint when there is one. */
function describeFailure(error: unknown): string {
  const code = errorCode(error) ?? (error as Error).name;
  const hint = tlsHint(error);
  return `${code}: ${(error as Error).message}${hint ? `\n${hint}` : ''}`;
}

function hints(endpoints: StackEndpoints): string {
  const logs =
    endpoints.provider === 'external'
      ? "the service's own logs"
      : endpoints.provider === 'compose'
        ? '`docker compose logs` (saved under the report directory when a spec fails)'
        : `the stack logs: ${[endpoints.details.logFiles ?? []].flat().join(', ')}`;
  return [
    'Troubleshooting:',
    endpoints.healthUrl === null
      ? `  1. Is the webhook server running? (no health URL, WEBHOOK_HEALTH_URL=none: the signed probe to ${endpoints.webhookUrl} is the check)`
      : `  1. Is the webhook server running? curl ${endpoints.healthUrl}`,
    '  2. Is WEBHOOK_URL (or WEBHOOK_HEALTH_URL) right for this provider? The health URL is derived from WEBHOOK_URL by replacing ' +
      'its last path segment with health (…/webhook/freshdesk → …/webhook/health); set WEBHOOK_HEALTH_URL, or none, when the service differs',
    `  3. Review server logs: ${logs}`,
  ].join('\n');
}

async function timed(url: string, init: Parameters<typeof request>[1], timeoutMs: number) {
  const started = performance.now();
  const response = await request(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.body.text();
  const headers = Object.fromEntries(
    Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])),
  );
  return { status: response.statusCode, text, ms: performance.now() - started, headers };
}

export interface PreflightOptions {
  secret: string;
  /** A ticket id no spec uses, so the probe cannot collide with the duplicate window; the wrong-key probe takes the next. */
  probeTicketId: number;
  /** What counts as success (SUCCESS_STATUSES, SUCCESS_BODY). Default: 200 with a JSON object. */
  success?: SuccessRule;
  /** The declared policy and the ledger: the probes wait for room and are recorded. `auto`: the policy is read from the probe's answer, so the probe cannot wait for room. */
  rateLimit?: { policy: RateLimitPolicy | null; ledger: RateLedger; auto?: boolean };
  timeoutMs?: number;
}

/** A key no service verifies with, for the second probe that tells a signature problem from others. */
const WRONG_KEY = 'deliberately-wrong-key-of-the-preflight-probe';

export async function preflight(endpoints: StackEndpoints, options: PreflightOptions): Promise<PreflightResult> {
  const timeoutMs = options.timeoutMs ?? 4000;
  const success = options.success ?? { statuses: [200], body: 'json-object' };
  const warnings: string[] = [];

  // No health URL (WEBHOOK_HEALTH_URL=none): the signed probe below is the readiness check.
  let health: Awaited<ReturnType<typeof timed>> | null = null;
  if (endpoints.healthUrl !== null) {
    try {
      health = await timed(endpoints.healthUrl, { method: 'GET' }, timeoutMs);
    } catch (error) {
      throw new PreflightError(
        `Cannot reach the webhook service at ${endpoints.healthUrl} (${describeFailure(error)}).\n${hints(endpoints)}`,
      );
    }
    if (health.status !== 200) {
      throw new PreflightError(
        `The webhook service at ${endpoints.healthUrl} is not healthy: it answered ${health.status} ${health.text.slice(0, 200)}\n${hints(endpoints)}`,
      );
    }
  }

  // Up to two probes: they count against the service's rate-limit window like any request.
  if (options.rateLimit) {
    const { policy, ledger, auto = false } = options.rateLimit;
    const plan = { requests: 2, ratePerSecond: null };
    const wait = planWait(policy, answerTimes(await ledger.sent()), plan, Date.now());
    if (auto) console.log('[perf] rate limit: the preflight probe starts now: RATE_LIMIT=auto reads the policy from its answer');
    else console.log(`[perf] rate limit: ${waitMessage('preflight probes', policy, plan, wait)}`);
    if (wait.waitMs > 0) await new Promise((done) => setTimeout(done, wait.waitMs));
  }
  const probe = await signedProbe(endpoints, options, options.secret, options.probeTicketId, timeoutMs);
  const verdict = judgeAnswer(probe, success);
  if (verdict !== null) throw new PreflightError(await explainFailedProbe(endpoints, options, probe, verdict, success, timeoutMs));

  const metrics = await fetchMetrics(endpoints.metricsUrl, timeoutMs);
  if (!metrics.available) warnings.push(`metrics unavailable, checks that need them will be skipped: ${metrics.reason}`);
  else if (metrics.metrics.missing.length > 0) warnings.push(`metrics document lacks ${metrics.metrics.missing.join(', ')}`);

  return {
    healthStatus: health?.status ?? null,
    healthMs: health?.ms ?? null,
    probeStatus: probe.status,
    probeMs: probe.ms,
    probeRateLimitHeaders: Object.fromEntries(Object.entries(probe.headers).filter(([name]) => RATE_LIMIT_HEADERS.includes(name))),
    metrics,
    warnings,
  };
}

type Answer = Awaited<ReturnType<typeof timed>>;

/** One signed POST of the contract's flat payload; its send time goes into the ledger unless refused with 429. */
async function signedProbe(
  endpoints: StackEndpoints,
  options: PreflightOptions,
  key: string,
  ticketId: number,
  timeoutMs: number,
): Promise<Answer> {
  const body = Buffer.from(JSON.stringify(flatPayload(0, ticketId)));
  const sentAt = Date.now();
  let answer: Answer | undefined;
  let failure: unknown;
  try {
    answer = await timed(
      endpoints.webhookUrl,
      { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(key, body) }, body },
      Math.max(timeoutMs, 15_000), // one real processing round-trip
    );
  } catch (error) {
    failure = error;
  }
  // Into the ledger unless refused (a refusal is not added to a sliding window); no answer counts, to be safe.
  if (answer?.status !== 429) await options.rateLimit?.ledger.record([[sentAt, Date.now()]]);
  if (answer === undefined) {
    const what = endpoints.healthUrl === null ? 'Cannot reach the webhook service: a' : 'A';
    throw new PreflightError(`${what} signed probe to ${endpoints.webhookUrl} failed (${describeFailure(failure)}).\n${hints(endpoints)}`);
  }
  return answer;
}

/** null when the answer is a success by SUCCESS_STATUSES and SUCCESS_BODY, else why not. */
function judgeAnswer(answer: Answer, success: SuccessRule): string | null {
  if (!success.statuses.includes(answer.status))
    return `status ${answer.status} is not a success (SUCCESS_STATUSES=${formatStatuses(success.statuses)})`;
  const reason = bodyCheckFor(success.body)?.(Buffer.from(answer.text), answer.status) ?? null;
  return reason === null ? null : `its body is not what SUCCESS_BODY=${success.body} expects: ${reason}`;
}

function excerpt(answer: Answer): string {
  const text = answer.text.replace(/\s+/g, ' ').trim();
  return text === '' ? 'an empty body' : text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The message that stops the run when the signed probe is not a success. Never prints the secret. */
async function explainFailedProbe(
  endpoints: StackEndpoints,
  options: PreflightOptions,
  probe: Answer,
  verdict: string,
  success: SuccessRule,
  timeoutMs: number,
): Promise<string> {
  const url = endpoints.webhookUrl;
  const noLoad = 'No load was sent.';
  if (probe.status === 429) {
    return (
      `The signed probe to ${url} was refused with 429 (rate limited) although this suite's own requests leave room in the window ` +
      `(RATE_LIMIT=${options.rateLimit?.auto === true ? 'auto, not read yet: the probe is what it reads from' : formatPolicy(options.rateLimit?.policy ?? null)}): ` +
      `other traffic from this machine shares the service's window, ` +
      `or RATE_LIMIT is not the service's policy. Wait for the window to pass and retry, or set RATE_LIMIT. ${noLoad}`
    );
  }
  if (probe.status === 404) return `${url} answered 404: is WEBHOOK_URL the webhook endpoint (…/webhook/freshdesk)? ${noLoad}`;
  if (success.statuses.includes(probe.status)) {
    return `The signed probe to ${url} was answered ${probe.status}, but ${verdict}. If ${excerpt(probe)} is this service's answer, set SUCCESS_BODY (any or empty). ${noLoad}`;
  }
  // Tell a signature problem from other faults: the same answer to a wrongly signed probe means the signature decides it.
  const wrong = await signedProbe(endpoints, options, WRONG_KEY, options.probeTicketId + 1, timeoutMs);
  if (wrong.status === probe.status) {
    return (
      `The service most likely rejects the signature: a probe to ${url} signed with WEBHOOK_SECRET and one signed with a deliberately ` +
      `wrong key both got ${probe.status} (${excerpt(probe)}). Check WEBHOOK_SECRET (environment, .env or .env.test): it must be the ` +
      `secret the service verifies ${SIGNATURE_HEADER} with (HMAC-SHA256 of the raw body, lowercase hex). ${noLoad}`
    );
  }
  return (
    `The signed probe to ${url} was answered ${probe.status} (${excerpt(probe)}): ${verdict}. A probe signed with a wrong key got ` +
    `${wrong.status}, so the signature is most likely accepted and the fault is elsewhere. If ${probe.status} is this service's ` +
    `success answer, add it to SUCCESS_STATUSES. ${noLoad}\n${hints(endpoints)}`
  );
}
