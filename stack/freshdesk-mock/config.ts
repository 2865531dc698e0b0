// The Freshdesk mock's configuration, read once from the environment.
import { EnvError, LOG_LEVELS, readChoice, readInteger, readNumber, readString } from '../env.ts';
import type { Env, LogLevel } from '../env.ts';
import type { StallWindow } from './faults.ts';
import { parseStallWindows } from './faults.ts';
import type { LatencyDistribution } from './latency.ts';

export interface MockConfig {
  port: number;
  host: string;
  apiKey: string;
  logLevel: LogLevel;
  latencyDistribution: LatencyDistribution;
  latencyMedianMs: number;
  latencyP95Ms: number;
  seed: number;
  errorRate: number;
  errorStatus: number;
  stallWindows: StallWindow[];
}

export const DEFAULT_LATENCY_MEDIAN_MS = 120;

export function mockConfigFromEnv(env: Env): MockConfig {
  const latencyMedianMs = readNumber(env, 'FRESHDESK_LATENCY_MS', DEFAULT_LATENCY_MEDIAN_MS, { min: 0, max: 600_000 });
  const latencyP95Ms = readNumber(env, 'FRESHDESK_LATENCY_P95_MS', latencyMedianMs * 2, { min: 0, max: 600_000 });
  if (latencyP95Ms < latencyMedianMs) {
    throw new EnvError(
      `FRESHDESK_LATENCY_P95_MS=${latencyP95Ms} is below FRESHDESK_LATENCY_MS=${latencyMedianMs}: the P95 must be >= the median.`,
    );
  }
  let stallWindows: StallWindow[];
  try {
    stallWindows = parseStallWindows(env.FRESHDESK_STALL_WINDOWS ?? '');
  } catch (error) {
    throw new EnvError((error as Error).message);
  }
  return {
    port: readInteger(env, 'PORT', 8802, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    apiKey: readString(env, 'FRESHDESK_API_KEY', 'test_freshdesk_api_key'),
    logLevel: readChoice(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    latencyDistribution: readChoice(env, 'FRESHDESK_LATENCY_DISTRIBUTION', 'lognormal', ['lognormal', 'fixed'] as const),
    latencyMedianMs,
    latencyP95Ms,
    seed: readInteger(env, 'FRESHDESK_SEED', Math.floor(Math.random() * 2 ** 31), { min: 0, max: 2 ** 32 - 1 }),
    errorRate: readNumber(env, 'FRESHDESK_ERROR_RATE', 0, { min: 0, max: 1 }),
    errorStatus: readInteger(env, 'FRESHDESK_ERROR_STATUS', 500, { min: 400, max: 599 }),
    stallWindows,
  };
}

/** A full config for tests and embedding: defaults (no latency, fixed seed) plus overrides. */
export function mockConfig(overrides: Partial<MockConfig> = {}): MockConfig {
  return { ...mockConfigFromEnv({ FRESHDESK_LATENCY_MS: '0', FRESHDESK_SEED: '1' }), ...overrides };
}
