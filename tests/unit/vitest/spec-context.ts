// The run context a SpecRecorder needs, for unit tests: an external service at `url` (its
// health and metrics URLs the same unless given), reports in `reportDir`, one spec's ticket block.
import { parseConfig } from '../../helpers/config/settings.ts';
import type { PerfContext } from '../../helpers/vitest/perf-context.ts';

export interface SpecContextOptions {
  url: string;
  reportDir: string;
  spec?: string;
  /** Settings as the environment would give them, over the defaults. */
  settings?: Record<string, string>;
  healthUrl?: string | null;
  metricsUrl?: string;
}

export function specContext({
  url,
  reportDir,
  spec = 'custom',
  settings = {},
  healthUrl = url,
  metricsUrl = url,
}: SpecContextOptions): PerfContext {
  const config = parseConfig({ WEBHOOK_SECRET: 's', WEBHOOK_STACK: 'external', WEBHOOK_URL: url, PERF_REPORT_DIR: reportDir, ...settings });
  const stack = { provider: 'external', reason: 'unit test', webhookUrl: url, healthUrl, metricsUrl, details: {} };
  return { config, stack, ticketIdBase: 1000, specSlots: { [spec]: 1 }, runStartedAt: new Date().toISOString() } as unknown as PerfContext;
}
