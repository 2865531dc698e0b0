// Before any spec: is the service there, does it accept our signature, does it
// publish metrics? Fails fast, with the seed's troubleshooting hints.
import { request } from 'undici';
import { fetchMetrics, type MetricsResult } from './metrics-client.ts';
import { flatPayload } from './payloads.ts';
import type { StackEndpoints } from './providers/types.ts';
import { signBody } from './signing.ts';

export interface PreflightResult {
  healthStatus: number;
  healthMs: number;
  probeStatus: number;
  metrics: MetricsResult;
  warnings: string[];
}

export class PreflightError extends Error {
  override name = 'PreflightError';
}

function hints(endpoints: StackEndpoints): string {
  const logs =
    endpoints.provider === 'external'
      ? 'the service\'s own logs'
      : endpoints.provider === 'compose'
        ? '`docker compose logs` (saved under the report directory when a spec fails)'
        : `the stack logs: ${[endpoints.details.logFiles ?? []].flat().join(', ')}`;
  return [
    'Troubleshooting:',
    `  1. Is the webhook server running? curl ${endpoints.healthUrl}`,
    '  2. Is WEBHOOK_URL (or WEBHOOK_HEALTH_URL) right for this provider?',
    `  3. Review server logs: ${logs}`,
  ].join('\n');
}

async function timed(url: string, init: Parameters<typeof request>[1], timeoutMs: number) {
  const started = performance.now();
  const response = await request(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.body.text();
  return { status: response.statusCode, text, ms: performance.now() - started };
}

export interface PreflightOptions {
  secret: string;
  /** A ticket id no spec uses, so the probe cannot collide with the duplicate window. */
  probeTicketId: number;
  timeoutMs?: number;
}

export async function preflight(endpoints: StackEndpoints, options: PreflightOptions): Promise<PreflightResult> {
  const timeoutMs = options.timeoutMs ?? 4000;
  const warnings: string[] = [];

  let health: Awaited<ReturnType<typeof timed>>;
  try {
    health = await timed(endpoints.healthUrl, { method: 'GET' }, timeoutMs);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new PreflightError(`Cannot reach the webhook service at ${endpoints.healthUrl} (${cause}: ${(error as Error).message}).\n${hints(endpoints)}`);
  }
  if (health.status !== 200) {
    throw new PreflightError(
      `The webhook service at ${endpoints.healthUrl} is not healthy: it answered ${health.status} ${health.text.slice(0, 200)}\n${hints(endpoints)}`,
    );
  }

  const body = Buffer.from(JSON.stringify(flatPayload(0, options.probeTicketId)));
  let probe: Awaited<ReturnType<typeof timed>>;
  try {
    probe = await timed(
      endpoints.webhookUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-freshdesk-signature': signBody(options.secret, body) },
        body,
      },
      Math.max(timeoutMs, 15_000), // one real processing round-trip
    );
  } catch (error) {
    throw new PreflightError(`A signed probe to ${endpoints.webhookUrl} failed: ${(error as Error).message}\n${hints(endpoints)}`);
  }
  if (probe.status === 401) {
    // Never print the secret itself.
    throw new PreflightError(
      `WEBHOOK_SECRET does not match the server: a signed probe to ${endpoints.webhookUrl} was answered 401. ` +
        'Set WEBHOOK_SECRET (environment, .env or .env.test) to the secret the service verifies X-Freshdesk-Signature with.',
    );
  }
  if (probe.status === 404) {
    throw new PreflightError(`${endpoints.webhookUrl} answered 404: is WEBHOOK_URL the webhook endpoint (…/webhook/freshdesk)?`);
  }
  if (probe.status !== 200) warnings.push(`the signed probe was answered ${probe.status} (${probe.text.slice(0, 120)})`);

  const metrics = await fetchMetrics(endpoints.metricsUrl, timeoutMs);
  if (!metrics.available) warnings.push(`metrics unavailable, checks that need them will be skipped: ${metrics.reason}`);
  else if (metrics.metrics.missing.length > 0) warnings.push(`metrics document lacks ${metrics.metrics.missing.join(', ')}`);

  return { healthStatus: health.status, healthMs: health.ms, probeStatus: probe.status, metrics, warnings };
}
