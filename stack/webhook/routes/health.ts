// GET /webhook/health: 200 when the Freshdesk API answers its probe in time, else 503.
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
    uptime_seconds: { type: 'number' },
  },
  required: ['status', 'freshdesk'],
} as const;

export async function healthRoutes(app: FastifyInstance, { freshdesk, freshdeskUrl, healthTimeoutMs }: HealthRouteOptions) {
  app.get('/webhook/health', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    const uptime_seconds = Math.round(process.uptime() * 10) / 10;
    if (await freshdesk.ping(healthTimeoutMs)) {
      return { status: 'healthy', freshdesk: 'reachable', uptime_seconds };
    }
    reply.code(503);
    return {
      status: 'unhealthy',
      code: 'freshdesk_unreachable',
      message: `the Freshdesk API at ${freshdeskUrl.origin} did not answer its health probe within ${healthTimeoutMs} ms`,
      freshdesk: 'unreachable',
      uptime_seconds,
    };
  });
}
