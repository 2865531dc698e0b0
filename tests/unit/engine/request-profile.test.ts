// profileRequests: one request at a time through one connection, each timed
// phase by phase, with the HTTP request split by undici's events.
import { afterEach, describe, expect, it } from 'vitest';
import { profileRequests, type ProfiledAnswer } from '../../helpers/engine/request-profile.ts';
import { signBody } from '../../helpers/engine/signing.ts';
import { okAfter, startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('profileRequests', () => {
  it('sends signed requests with their own ticket ids, one at a time, and profiles each phase', async () => {
    const seen: { ticket: string; signed: boolean }[] = [];
    server = await startTestServer((req, res, body, info) => {
      const ticket = (JSON.parse(body.toString()) as { ticket_id: string }).ticket_id;
      seen.push({ ticket, signed: req.headers['x-freshdesk-signature'] === signBody('s3cret', body) });
      okAfter(5)(req, res, body, info);
    });
    const answers: ProfiledAnswer[] = [];
    const profile = await profileRequests({
      url: server.url,
      secret: 's3cret',
      requests: 4,
      ticketIdStart: 7000,
      onAnswer: (a) => answers.push(a),
    });

    expect(seen).toEqual(['7000', '7001', '7002', '7003'].map((ticket) => ({ ticket, signed: true })));
    expect(server.maxActive).toBe(1);
    expect(server.connections).toBe(1);
    expect(profile.statuses).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => [a.index, a.status])).toEqual([
      [0, 200],
      [1, 200],
      [2, 200],
      [3, 200],
    ]);
    for (const a of answers) expect(a.answeredAt).toBeGreaterThanOrEqual(a.sentAt);

    const operations = profile.report.rows.map((row) => row.operation).sort();
    expect(operations).toEqual(['end_to_end', 'http_request', 'payload_generation', 'response_parsing', 'signature_generation']);
    expect(profile.report.rows.every((row) => row.count === 4)).toBe(true);
    // Self time: the named phases never add up to more than end_to_end.
    expect(profile.phaseSharePercent).toBeGreaterThan(0);
    expect(profile.phaseSharePercent).toBeLessThanOrEqual(100.0001);
    expect(profile.http.requests).toBe(4);
    expect(profile.http.newConnections).toBe(1);
    expect(profile.httpSharePercent).toBeGreaterThan(0);
    expect(profile.httpSharePercent).toBeLessThanOrEqual(100.0001);
  });

  it('keeps every status, a refusal and an empty answer included', async () => {
    server = await startTestServer((_req, res, _body, { arrival }) => {
      if (arrival === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(202).end(); // not JSON: parsed as text
    });
    const answers: number[] = [];
    const profile = await profileRequests({
      url: server.url,
      secret: 's',
      requests: 3,
      ticketIdStart: 1,
      onAnswer: (a) => answers.push(a.status),
    });
    expect(profile.statuses).toEqual([202, 429, 202]);
    expect(answers).toEqual([202, 429, 202]);
  });

  it('a request without an answer throws, after telling onAnswer (status 0)', async () => {
    server = await startTestServer(() => undefined); // never answers
    const answers: ProfiledAnswer[] = [];
    await expect(
      profileRequests({ url: server.url, secret: 's', requests: 3, ticketIdStart: 1, timeoutMs: 100, onAnswer: (a) => answers.push(a) }),
    ).rejects.toThrow(/timeout/i);
    expect(answers.map((a) => a.status)).toEqual([0]);
  });

  it('stops at an aborted signal before sending anything more', async () => {
    server = await startTestServer(okAfter(0));
    const controller = new AbortController();
    const run = profileRequests({
      url: server.url,
      secret: 's',
      requests: 1000,
      ticketIdStart: 1,
      signal: controller.signal,
      onAnswer: (a) => {
        if (a.index === 1) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(server.requests).toBe(2);
  });

  it('refuses a count that is not a whole number from 1', async () => {
    for (const requests of [0, -1, 1.5, Number.NaN]) {
      await expect(profileRequests({ url: 'http://127.0.0.1:9/', secret: 's', requests, ticketIdStart: 1 })).rejects.toThrow(
        /requests must be a whole number/,
      );
    }
  });
});
