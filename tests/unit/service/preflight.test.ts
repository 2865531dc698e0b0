import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflight, PreflightError, tlsHint } from '../../helpers/service/preflight.ts';
import type { StackEndpoints } from '../../helpers/providers/index.ts';
import { closedPortUrl } from '../stack/fixtures/mock-server.ts';

const paths: string[] = [];
let base = '';
let server: Server;
let answer = 200;
beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(req.url === '/hooks/fd' ? answer : 404, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function endpoints(healthUrl: string | null): StackEndpoints {
  return {
    provider: 'external',
    reason: 'test',
    webhookUrl: `${base}/hooks/fd`,
    healthUrl,
    metricsUrl: `${base}/hooks/metrics`,
    details: {},
  };
}

describe('preflight without a health URL (WEBHOOK_HEALTH_URL=none)', () => {
  it('asks no health endpoint: the signed probe is the readiness check', async () => {
    paths.length = 0;
    answer = 200;
    const result = await preflight(endpoints(null), { secret: 's', probeTicketId: 1 });
    expect(result).toMatchObject({ healthStatus: null, healthMs: null, probeStatus: 200 });
    expect(result.probeMs).toBeGreaterThan(0);
    expect(paths).toEqual(['POST /hooks/fd', 'GET /hooks/metrics']);
  });

  it('control: with a health URL it is asked first, and a 404 there stops the run', async () => {
    paths.length = 0;
    const error = await preflight(endpoints(`${base}/hooks/health`), { secret: 's', probeTicketId: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect(paths).toEqual(['GET /hooks/health']);
  });

  it('a service that cannot be reached fails at the probe, naming the webhook URL and that there is no health URL', async () => {
    const closed = (await closedPortUrl()).origin;
    const down: StackEndpoints = { ...endpoints(null), webhookUrl: `${closed}/hooks/fd` };
    const error = await preflight(down, { secret: 's', probeTicketId: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot reach the webhook service: a signed probe to ${closed}/hooks/fd failed \\(ECONNREFUSED`),
    );
    expect((error as Error).message).toContain('WEBHOOK_HEALTH_URL=none');
  });
});

describe('TLS hints', () => {
  const failure = (code: string) => Object.assign(new Error(`boom ${code}`), { code });
  it('a certificate of a private CA: NODE_EXTRA_CA_CERTS=/path/ca.pem', () => {
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']) {
      expect(tlsHint(failure(code))).toContain('NODE_EXTRA_CA_CERTS=/path/ca.pem');
    }
    // undici may carry the code on the cause
    expect(tlsHint(Object.assign(new Error('fetch failed'), { cause: failure('UNABLE_TO_GET_ISSUER_CERT_LOCALLY') }))).toContain(
      'NODE_EXTRA_CA_CERTS',
    );
  });
  it('a wrong host name, an expired certificate, https to a plain port: their own advice', () => {
    expect(tlsHint(failure('ERR_TLS_CERT_ALTNAME_INVALID'))).toMatch(/host name/);
    expect(tlsHint(failure('CERT_HAS_EXPIRED'))).toMatch(/not valid now/);
    expect(tlsHint(failure('ERR_SSL_WRONG_VERSION_NUMBER'))).toMatch(/http:\/\//);
  });
  it('control: a refused connection is no TLS error', () => {
    expect(tlsHint(failure('ECONNREFUSED'))).toBeUndefined();
  });
});
