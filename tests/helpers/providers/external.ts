// external: a service someone else runs (staging, `npm run stack`, their laptop).
import type { RunningStack } from './types.ts';

/**
 * The health and metrics URLs of a service, from its webhook URL: the webhook path's last segment
 * replaced by `health` and `metrics` (URL resolution of the relative references `health` and
 * `metrics`; query and fragment dropped). The contract's `/webhook/freshdesk` gives
 * `/webhook/health` and `/webhook/metrics`; `/hooks/fd` gives `/hooks/health`; `/freshdesk` gives
 * `/health`; a path ending in `/` keeps every segment (`/webhook/freshdesk/` gives
 * `/webhook/freshdesk/health`). A service laid out otherwise sets WEBHOOK_HEALTH_URL (or none)
 * and WEBHOOK_METRICS_URL.
 */
export function deriveEndpointUrls(webhookUrl: string): { healthUrl: string; metricsUrl: string } {
  const base = new URL(webhookUrl);
  base.search = '';
  base.hash = '';
  return { healthUrl: new URL('health', base).href, metricsUrl: new URL('metrics', base).href };
}

export function externalStack(
  webhookUrl: string,
  reason: string,
  /** healthUrl null: the service has no health endpoint (WEBHOOK_HEALTH_URL=none). */
  overrides: { healthUrl?: string | null | undefined; metricsUrl?: string | undefined } = {},
): RunningStack {
  const derived = deriveEndpointUrls(webhookUrl);
  return {
    endpoints: {
      provider: 'external',
      reason,
      webhookUrl,
      healthUrl: overrides.healthUrl === undefined ? derived.healthUrl : overrides.healthUrl,
      metricsUrl: overrides.metricsUrl ?? derived.metricsUrl,
      details: {},
    },
    // Another party owns the service and its logs.
    saveLogs: async () => [],
    stop: async () => {},
  };
}
