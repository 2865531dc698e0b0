// The webhook service as a Fastify app, without listening: tests drive it with app.inject().
import type { Socket } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { WebhookConfig } from './config.ts';
import { createDedupe } from './dedupe.ts';
import { errorAnswer } from './errors.ts';
import { createFreshdeskClient } from './freshdesk-client.ts';
import { WebhookMetrics } from './metrics.ts';
import type { MetricsDocument } from './metrics.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsDocumentSource, metricsRoutes } from './routes/metrics.ts';
import { webhookRoutes } from './routes/webhook.ts';

export interface AppDeps {
  /** Clock for the rate limiter and duplicate window (ms); tests pass a fake one. */
  now?: () => number;
  /** false silences the log (tests); default: pino at config.logLevel. */
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The document GET /webhook/metrics answers (webhook app only); main.ts snapshots it on exit. */
    metricsDocument(): MetricsDocument;
  }
}

/** Answers of the HTTP server itself, before any route: what a client did wrong on the wire. */
function clientErrorAnswer(code: string | undefined, config: WebhookConfig): [number, string, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [
      408,
      'request_timeout',
      `request not received in time (headers within ${config.headersTimeoutMs} ms, whole request within ${config.requestTimeoutMs} ms)`,
    ];
  }
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'headers_too_large', 'request headers are too large'];
  return [400, 'bad_request', 'malformed HTTP request'];
}

export function buildApp(config: WebhookConfig, deps: AppDeps = {}): FastifyInstance {
  const metrics = new WebhookMetrics(config.metricsWindowSize, config.slowOperationMs);
  // Sockets whose current request reached the webhook route: the route counts those itself.
  const routedSockets = new WeakSet<Socket>();
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
    // Slow clients (headers sent byte by byte, a Content-Length that promises more than comes)
    // get 408 instead of holding a connection forever. Node checks these deadlines every
    // connectionsCheckingInterval, so keep that well below the headers deadline.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    clientErrorHandler(error, socket) {
      const code = (error as NodeJS.ErrnoException).code;
      // A peer that reset or went away: nothing to answer, and no request to count.
      if (code === 'ECONNRESET' || code === 'EPIPE' || socket.destroyed) return;
      const [statusCode, errorCode, message] = clientErrorAnswer(code, config);
      // Count it unless a route request on this connection is (or was) counted for it: the
      // route counts its own requests, and an error after an answer on the same connection is
      // the tail of that request (e.g. the rest of a body refused with 413), not a new one.
      if (!routedSockets.has(socket as Socket) && (socket as Socket).bytesWritten === 0) metrics.recordClientError();
      app.log.info({ code: errorCode, statusCode, cause: code }, message);
      if (socket.writable) {
        const body = JSON.stringify({ code: errorCode, message });
        socket.write(
          `HTTP/1.1 ${statusCode} ${errorCode}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy();
    },
  });

  const freshdesk = createFreshdeskClient({
    baseUrl: config.freshdeskUrl,
    apiKey: config.freshdeskApiKey,
    timeoutMs: config.freshdeskTimeoutMs,
    connections: config.freshdeskConnections,
    cacheTtlMs: config.freshdeskCacheTtlMs,
    cacheMaxEntries: config.freshdeskCacheMaxEntries,
    breakerThreshold: config.freshdeskBreakerThreshold,
    breakerCooldownMs: config.freshdeskBreakerCooldownMs,
    onCall: (ms) => metrics.recordFreshdeskCall(ms),
  });
  const limiter = createRateLimiter(
    config.rateLimitAlgorithm === 'sliding-window'
      ? { algorithm: 'sliding-window', limit: config.rateLimitRequests, windowMs: config.rateLimitWindowSeconds * 1000, now: deps.now }
      : config.rateLimitAlgorithm === 'token-bucket'
        ? { algorithm: 'token-bucket', capacity: config.rateLimitCapacity, refillPerSecond: config.rateLimitRefillPerSecond, now: deps.now }
        : { algorithm: 'off' },
  );
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

  const source = metricsDocumentSource(metrics, freshdesk);
  app.decorate('metricsDocument', source.document);
  app.register(webhookRoutes, { config, limiter, dedupe, metrics, freshdesk, routedSockets });
  app.register(healthRoutes, { freshdesk, freshdeskUrl: config.freshdeskUrl, healthTimeoutMs: config.healthTimeoutMs });
  app.register(metricsRoutes, { document: source.document });
  app.addHook('onClose', async () => {
    source.stop();
    await freshdesk.close();
  });
  return app;
}
