// The webhook service as a Fastify app, without listening: tests drive it with app.inject().
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { WebhookConfig } from './config.ts';
import { createDedupe } from './dedupe.ts';
import { errorAnswer } from './errors.ts';
import { createFreshdeskClient } from './freshdesk-client.ts';
import { WebhookMetrics } from './metrics.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { webhookRoutes } from './routes/webhook.ts';

export interface AppDeps {
  /** Clock for the rate limiter and duplicate window (ms); tests pass a fake one. */
  now?: () => number;
  /** false silences the log (tests); default: pino at config.logLevel. */
  logger?: boolean;
}

export function buildApp(config: WebhookConfig, deps: AppDeps = {}): FastifyInstance {
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : {
            level: config.logLevel,
            // Signatures are credentials for one body; keep them (and any auth) out of logs.
            redact: ['req.headers["x-freshdesk-signature"]', 'req.headers.authorization'],
          },
    // ticket_id may be a string or a number; never let the validator convert one into the other.
    ajv: { customOptions: { coerceTypes: false } },
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  const metrics = new WebhookMetrics(config.metricsWindowSize, config.slowOperationMs);
  const freshdesk = createFreshdeskClient({
    baseUrl: config.freshdeskUrl,
    apiKey: config.freshdeskApiKey,
    timeoutMs: config.freshdeskTimeoutMs,
    connections: config.freshdeskConnections,
    cacheTtlMs: config.freshdeskCacheTtlMs,
    cacheMaxEntries: config.freshdeskCacheMaxEntries,
    onCall: (ms) => metrics.recordFreshdeskCall(ms),
  });
  const limiter = createRateLimiter({
    capacity: config.rateLimitCapacity,
    refillPerSecond: config.rateLimitRefillPerSecond,
    now: deps.now,
  });
  const dedupe = createDedupe({ windowMs: config.dedupeWindowMs, now: deps.now });

  app.setErrorHandler((error, request, reply) => {
    const answer = errorAnswer(error, config.bodyLimitBytes);
    if (answer.statusCode >= 500) request.log.error({ err: error }, answer.body.message);
    else request.log.info({ code: answer.body.code, statusCode: answer.statusCode }, answer.body.message);
    return reply.code(answer.statusCode).headers(answer.headers).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );

  app.register(webhookRoutes, { config, limiter, dedupe, metrics, freshdesk });
  app.register(healthRoutes, { freshdesk, freshdeskUrl: config.freshdeskUrl, healthTimeoutMs: config.healthTimeoutMs });
  app.register(metricsRoutes, { metrics, freshdesk });
  app.addHook('onClose', async () => freshdesk.close());
  return app;
}
