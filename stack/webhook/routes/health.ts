// GET /webhook/health: 200 when the Freshdesk API answers its probe in time and the circuit
// breaker in front of it is not open (webhooks would get 502 at once), else 503.
import type { FastifyInstance } from 'fastify';
import type { FreshdeskClient } from '../freshdesk-client.ts';

export interface HealthRouteOptions {
  freshdesk: FreshdeskClient;
  freshdeskUrl: URL;
  healthTimeoutMs: number;
}

const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['healthy', 'unhealthy'] },
    code: { type: 'string' },
    message: { type: 'string' },
    freshdesk: { type: 'string', enum: ['reachable', 'unreachable'] },
    freshdesk_circuit: { type: 'string', enum: ['closed', 'open', 'half_open'] },
    uptime_seconds: { type: 'number' },
  },
  required: ['status', 'freshdesk'],
} as const;

export async function healthRoutes(app: FastifyInstance, { freshdesk, freshdeskUrl, healthTimeoutMs }: HealthRouteOptions) {
  app.get('/webhook/health', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    const uptime_seconds = Math.round(process.uptime() * 10) / 10;
    const reachable = await freshdesk.ping(healthTimeoutMs);
    const circuit = freshdesk.circuitStats().state;
    if (reachable && circuit !== 'open') {
      return { status: 'healthy', freshdesk: 'reachable', freshdesk_circuit: circuit, uptime_seconds };
    }
    reply.code(503);
    if (reachable) {
      return {
        status: 'unhealthy',
        code: 'freshdesk_circuit_open',
        message: 'the Freshdesk API failed repeatedly; webhooks are answered 502 until the circuit breaker lets a trial call through',
        freshdesk: 'reachable',
        freshdesk_circuit: circuit,
        uptime_seconds,
      };
    }
    return {
      freshdesk_circuit: circuit,
      status: 'unhealthy',
      code: 'freshdesk_unreachable',
      message: `the Freshdesk API at ${freshdeskUrl.origin} did not answer its health probe within ${healthTimeoutMs} ms`,
      freshdesk: 'unreachable',
      uptime_seconds,
    };
  });
}
