// What a run measured (its target), so that only runs of one target are compared: the
// history's trends, change points and "since the last run", and a baseline comparison. A
// target is the service, the provider, PERF_SCALE, the declared RATE_LIMIT and the success
// rule (SUCCESS_STATUSES, SUCCESS_BODY: what counts as a success changes the success rate and
// which answers are failures, whatever the service did). Pure: derived from the fields every
// report (and every history line, which copies them) records.
//
// The service: an external service is its webhook URL as given. The stacks the suite starts
// listen on a port picked anew every run, so their URL names no service: the embedded stack is
// the reference stack, a compose stack its compose files (which pick the service built). The
// embedded stack's extra environment (EMBEDDED_WEBHOOK_ENV, EMBEDDED_MOCK_ENV) is not part of
// it: like a new deployment at the same URL, it is the service changing, which the history and
// a baseline are there to show (a slowed Freshdesk mock is how the docs show a regression). A
// field the record lacks is '?' (null for the scale), which matches no target a current report has.
import { formatPolicy } from '../rate-limit/index.ts';
import type { RecordedConfig, RunTarget, StackEndpoints } from '../model/index.ts';

/** What a target is derived from: a spec report or a history entry. */
export interface TargetSource {
  provider?: Partial<StackEndpoints> | null;
  config?: Partial<RecordedConfig> | null;
  /** The report's scale; config.scale when absent. */
  scale?: number | null;
}

const UNKNOWN = '?';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with the keys of every object sorted: the same data gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function serviceOf(provider: string, source: TargetSource): string {
  const stack = isRecord(source.config?.stack) ? source.config.stack : {};
  if (provider === 'embedded') return 'embedded reference stack';
  if (provider === 'compose') {
    const files = Array.isArray(stack.composeFiles) ? stack.composeFiles : source.provider?.details?.composeFiles;
    const list = Array.isArray(files) ? files.map(String) : typeof files === 'string' ? [files] : [];
    return list.length === 0 ? UNKNOWN : `compose ${list.join(', ')}`;
  }
  const url = source.provider?.webhookUrl;
  return typeof url === 'string' && url !== '' ? url : UNKNOWN;
}

/**
 * A recorded policy as RATE_LIMIT writes it (`100/60s`, `fixed:100/60s`, `bucket:20@2/s`; where
 * auto read it from is left out), `none` for null; anything else as canonical JSON.
 */
function policyText(policy: unknown): string {
  if (policy === undefined) return UNKNOWN;
  if (policy === null) return 'none';
  if (isRecord(policy) && typeof policy.limit === 'number' && typeof policy.windowMs === 'number') {
    const { algorithm, refillPerSecond } = policy;
    if (algorithm === undefined || algorithm === 'sliding' || algorithm === 'fixed')
      return formatPolicy({ algorithm, limit: policy.limit, windowMs: policy.windowMs });
    if (algorithm === 'bucket' && typeof refillPerSecond === 'number')
      return formatPolicy({ algorithm, limit: policy.limit, windowMs: policy.windowMs, refillPerSecond });
  }
  return canonical(policy);
}

function successText(rule: unknown): string {
  if (!isRecord(rule) || !Array.isArray(rule.statuses) || typeof rule.body !== 'string') return UNKNOWN;
  return `${rule.statuses.map(String).join(',')} ${rule.body}`;
}

/** Pure: the target of a report or a history entry, from the fields it recorded. */
export function runTargetOf(source: TargetSource): RunTarget {
  const provider = typeof source.provider?.provider === 'string' ? source.provider.provider : UNKNOWN;
  const scale = typeof source.scale === 'number' ? source.scale : typeof source.config?.scale === 'number' ? source.config.scale : null;
  return {
    service: serviceOf(provider, source),
    provider,
    scale,
    rateLimit: policyText(source.config?.rateLimit),
    success: successText(source.config?.success),
  };
}

/** Pure: one string per target (equal strings, equal targets). */
export function runTargetKey(target: RunTarget): string {
  return canonical([target.service, target.provider, target.scale, target.rateLimit, target.success]);
}

export function sameRunTarget(a: RunTarget, b: RunTarget): boolean {
  return runTargetKey(a) === runTargetKey(b);
}

/** "embedded reference stack · PERF_SCALE=1 · RATE_LIMIT=100/60s · success 200 json-object" (the provider is said when the service does not). */
export function runTargetText(target: RunTarget): string {
  const service = target.service.startsWith(target.provider) ? target.service : `${target.provider} ${target.service}`;
  return `${service} · PERF_SCALE=${target.scale ?? UNKNOWN} · RATE_LIMIT=${target.rateLimit} · success ${target.success}`;
}

/** Pure: how `other` differs from `target`, one phrase per field ("PERF_SCALE 1 vs 0.2"); empty when the same. */
export function runTargetDifferences(target: RunTarget, other: RunTarget): string[] {
  const fields: [keyof RunTarget, string][] = [
    ['service', 'service'],
    ['provider', 'provider'],
    ['scale', 'PERF_SCALE'],
    ['rateLimit', 'RATE_LIMIT'],
    ['success', 'success rule'],
  ];
  return fields
    .filter(([key]) => canonical(target[key]) !== canonical(other[key]))
    .map(([key, label]) => `${label} ${String(target[key] ?? UNKNOWN)} vs ${String(other[key] ?? UNKNOWN)}`);
}
