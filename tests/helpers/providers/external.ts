// external: a service someone else runs (staging, `npm run stack`, their laptop).
import type { RunningStack } from './types.ts';

/** /webhook/health and /webhook/metrics beside the webhook path, as the contract lays them out. */
export function deriveEndpointUrls(webhookUrl: string): { healthUrl: string; metricsUrl: string } {
  const base = new URL(webhookUrl);
  base.search = '';
  base.hash = '';
  return { healthUrl: new URL('health', base).href, metricsUrl: new URL('metrics', base).href };
}

export function externalStack(
  webhookUrl: string,
  reason: string,
  overrides: { healthUrl?: string | undefined; metricsUrl?: string | undefined } = {},
): RunningStack {
  const derived = deriveEndpointUrls(webhookUrl);
  return {
    endpoints: {
      provider: 'external',
      reason,
      webhookUrl,
      healthUrl: overrides.healthUrl ?? derived.healthUrl,
      metricsUrl: overrides.metricsUrl ?? derived.metricsUrl,
      details: {},
    },
    // Another party owns the service and its logs.
    saveLogs: async () => [],
    stop: async () => {},
  };
}
