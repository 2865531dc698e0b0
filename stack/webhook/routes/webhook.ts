// POST /webhook/freshdesk: rate limit (per client IP) -> content type and size -> signature over
// the raw bytes -> JSON -> schema -> event filter -> duplicate check -> Freshdesk (read ticket,
// post note) -> answer. Every request is counted exactly once in the metrics, whatever answers
// it: a 200 `processed` as a success, a 200 `duplicate` or `ignored` in their own counters
// (neither success nor failure), anything else as a failure.
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { automationNote } from '../automation.ts';
import type { WebhookConfig } from '../config.ts';
import type { Dedupe } from '../dedupe.ts';
import { HttpError } from '../errors.ts';
import type { FreshdeskClient } from '../freshdesk-client.ts';
import type { WebhookMetrics } from '../metrics.ts';
import { ignoreReason, ticketEventBodySchema, ticketEventFrom } from '../payload.ts';
import type { RateLimiter } from '../rate-limiter.ts';
import { SIGNATURE_HEADER, signatureMatches } from '../signature.ts';

export interface WebhookRouteOptions {
  config: WebhookConfig;
  limiter: RateLimiter;
  dedupe: Dedupe;
  metrics: WebhookMetrics;
  freshdesk: FreshdeskClient;
  /** Sockets with a request of this route not yet counted (the server's clientError handler skips them). */
  routedSockets: WeakSet<Socket>;
}

const answerSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['processed', 'duplicate', 'ignored'] },
    ticket_id: { type: ['string', 'integer'] },
    event: { type: 'string' },
    /** Why an `ignored` event was not processed. */
    reason: { type: 'string' },
    processing_time_ms: { type: 'number' },
  },
  required: ['status', 'ticket_id', 'event'],
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function webhookRoutes(
  app: FastifyInstance,
  { config, limiter, dedupe, metrics, freshdesk, routedSockets }: WebhookRouteOptions,
) {
  // Keep the exact bytes: the signature is over them, so no parser may touch the body first.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes }, (_request, body, done) =>
    done(null, body),
  );

  // Requests not yet counted, with their start times. A request is counted when its answer
  // is sent (onResponse) or when its connection closes, whichever comes first: a client that
  // leaves before its answer is still one failure, never zero and never two.
  const uncounted = new WeakMap<FastifyRequest, number>();
  const answered = new WeakSet<FastifyRequest>(); // the whole answer was handed to the connection
  const unprocessed = new WeakMap<FastifyRequest, 'duplicate' | 'ignored'>(); // 200s that did no work
  function count(request: FastifyRequest, answeredOk: boolean): void {
    const startedAt = uncounted.get(request);
    if (startedAt === undefined) return;
    uncounted.delete(request);
    routedSockets.delete(request.raw.socket);
    const kind = unprocessed.get(request);
    if (answeredOk && kind) metrics.recordUnprocessed(kind);
    else metrics.recordWebhook(answeredOk, performance.now() - startedAt);
  }

  app.post(
    '/webhook/freshdesk',
    {
      bodyLimit: config.bodyLimitBytes,
      schema: { body: ticketEventBodySchema, response: { 200: answerSchema } },
      onRequest: async (request, reply) => {
        uncounted.set(request, performance.now());
        routedSockets.add(request.raw.socket);
        reply.raw.once('finish', () => answered.add(request));
        reply.raw.once('close', () => count(request, answered.has(request) && reply.statusCode === 200));
        // First, before the body is even read: every POST counts, signed or not.
        if (!limiter.enabled) return;
        const decision = limiter.take(request.ip ?? 'unknown');
        if (config.rateLimitHeaders) {
          reply.header('x-ratelimit-limit', decision.limit);
          reply.header('x-ratelimit-remaining', decision.remaining);
          reply.header('x-ratelimit-reset', decision.resetSeconds);
        }
        if (!decision.allowed) {
          // RATE_LIMIT_HEADERS=false: the original's bare 429, without Retry-After.
          throw config.rateLimitHeaders
            ? new HttpError(429, 'rate_limited', `rate limit exceeded: ${limiter.policy}; retry in ${decision.retryAfterSeconds} s`, {
                'retry-after': decision.retryAfterSeconds,
              })
            : new HttpError(429, 'rate_limited', `rate limit exceeded: ${limiter.policy}`);
        }
      },
      preValidation: async (request) => {
        const raw = request.body;
        if (!Buffer.isBuffer(raw)) throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json');
        if (!signatureMatches(config.secret, raw, request.headers[SIGNATURE_HEADER])) {
          throw new HttpError(
            401,
            'invalid_signature',
            'X-Freshdesk-Signature is missing or does not match the body (lowercase hex HMAC-SHA256 of the raw body)',
          );
        }
        let text: string;
        try {
          text = utf8.decode(raw);
        } catch {
          throw new HttpError(400, 'invalid_json', 'body is not valid UTF-8');
        }
        try {
          request.body = JSON.parse(text);
        } catch (error) {
          throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`);
        }
      },
      // Fastify runs this when the answer has been sent.
      onResponse: async (request, reply) => count(request, reply.statusCode === 200),
    },
    async (request, reply) => {
      const event = ticketEventFrom(request.body, new Date());
      // Events the automation does not handle are not remembered by the duplicate check.
      const reason = ignoreReason(event);
      if (reason !== undefined) {
        unprocessed.set(request, 'ignored');
        return {
          status: 'ignored',
          ticket_id: event.ticketIdAsSent,
          event: event.event,
          reason,
          processing_time_ms: Math.round(reply.elapsedTime * 100) / 100,
        };
      }
      const key = `${event.ticketId}:${event.event}`;
      if (!dedupe.claim(key)) {
        unprocessed.set(request, 'duplicate');
        return {
          status: 'duplicate',
          ticket_id: event.ticketIdAsSent,
          event: event.event,
          processing_time_ms: Math.round(reply.elapsedTime * 100) / 100,
        };
      }
      try {
        const ticket = await freshdesk.getTicket(event.ticketId);
        await freshdesk.addNote(event.ticketId, automationNote(ticket, event));
      } catch (error) {
        dedupe.release(key); // the sender's retry must be processed, not called a duplicate
        throw error;
      }
      return {
        status: 'processed',
        ticket_id: event.ticketIdAsSent,
        event: event.event,
        processing_time_ms: Math.round(reply.elapsedTime * 100) / 100,
      };
    },
  );
}
