// A small Freshdesk REST stand-in: tickets read and updated, notes added, basic auth checked,
// with seeded latency and injected faults. Tickets are synthesised from their id, so memory
// stays flat however many the load test invents.
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MockConfig } from './config.ts';
import { shouldFail, stallDelay } from './faults.ts';
import { createLatency } from './latency.ts';
import { seededRandom } from './random.ts';

export interface MockDeps {
  now?: () => number;
  logger?: boolean;
}

export interface MockStats {
  get_ticket: number;
  update_ticket: number;
  create_note: number;
  unauthorized: number;
  injected_errors: number;
  stalled: number;
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]{1,20}$' } },
  required: ['id'],
} as const;

export function ticketFor(id: string, now: Date): Record<string, unknown> {
  const n = Number(id.slice(-6)); // stable, bounded variety per id
  return {
    id: Number(id),
    subject: `Ticket ${id}`,
    description: `<div>Synthetic ticket ${id}</div>`,
    status: 2 + (n % 4),
    priority: 1 + (n % 4),
    requester_id: 100_000 + (n % 1000),
    tags: [],
    created_at: new Date(now.getTime() - 3_600_000).toISOString(),
    updated_at: now.toISOString(),
  };
}

function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

function sameKey(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function buildMockApp(config: MockConfig, deps: MockDeps = {}): FastifyInstance {
  const now = deps.now ?? (() => performance.now());
  const startedAt = now();
  const random = seededRandom(config.seed);
  const latency = createLatency(
    { distribution: config.latencyDistribution, medianMs: config.latencyMedianMs, p95Ms: config.latencyP95Ms },
    random,
  );
  const stats: MockStats = { get_ticket: 0, update_ticket: 0, create_note: 0, unauthorized: 0, injected_errors: 0, stalled: 0 };

  const app = Fastify({
    logger: deps.logger === false ? false : { level: config.logLevel, redact: ['req.headers.authorization'] },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  app.setErrorHandler((error, request, reply) => {
    const e = error as { statusCode?: number; message?: string };
    const statusCode = e.statusCode ?? 500;
    if (statusCode >= 500) request.log.error({ err: error }, 'mock error');
    return reply.code(statusCode).send({ code: statusCode === 400 ? 'invalid_value' : 'error', message: e.message ?? 'error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );

  // Mock-only routes: no auth, no latency, no faults (health checks must stay cheap and honest).
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/__mock/stats', async () => stats);

  app.register(async (api) => {
    // Order per call: auth, then the random draws (in arrival order, so a seed replays), the
    // stall, the latency, and finally the answer or the injected error.
    api.addHook('preHandler', async (request, reply) => {
      if (!sameKey(apiKeyOf(request), config.apiKey)) {
        stats.unauthorized += 1;
        return reply.code(401).send({ code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
      }
      const delay = latency();
      const fail = shouldFail(config.errorRate, random);
      const stall = stallDelay(config.stallWindows, now() - startedAt);
      if (stall > 0) {
        stats.stalled += 1;
        await sleep(stall);
      }
      if (delay > 0) await sleep(delay);
      if (fail) {
        stats.injected_errors += 1;
        return reply.code(config.errorStatus).send({ code: 'injected_fault', message: `mock fault: status ${config.errorStatus}` });
      }
    });

    api.get<{ Params: { id: string } }>('/api/v2/tickets/:id', { schema: { params: idParams } }, async (request) => {
      stats.get_ticket += 1;
      return ticketFor(request.params.id, new Date());
    });

    api.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
      '/api/v2/tickets/:id',
      { schema: { params: idParams, body: { type: 'object' } } },
      async (request) => {
        stats.update_ticket += 1;
        return { ...ticketFor(request.params.id, new Date()), ...request.body, id: Number(request.params.id) };
      },
    );

    api.post<{ Params: { id: string }; Body: { body: string; private?: boolean } }>(
      '/api/v2/tickets/:id/notes',
      {
        schema: {
          params: idParams,
          body: { type: 'object', required: ['body'], properties: { body: { type: 'string' }, private: { type: 'boolean' } } },
        },
      },
      async (request, reply) => {
        stats.create_note += 1;
        reply.code(201);
        return {
          id: stats.create_note,
          ticket_id: Number(request.params.id),
          body: request.body.body,
          private: request.body.private ?? true,
          created_at: new Date().toISOString(),
        };
      },
    );
  });

  return app;
}
