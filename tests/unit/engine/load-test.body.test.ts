// The checkBody option end to end: accepted answers with a bad body become
// bad_body failures (status kept); without the option only the status counts.
import { afterEach, describe, expect, it } from 'vitest';
import { jsonObjectBody } from '../../helpers/engine/body-checks.ts';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { LoadTestOptionError, MAX_CHECKED_BODY_BYTES } from '../../helpers/engine/options.ts';
import { startTestServer, type TestHandler, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What the garbage server answers, by the ticket id's remainder mod 6 (all with status 200). */
const BODIES = ['<html><body>It works!</body></html>', '{"status": proc', '', 'null', '[]', '{"status":"processed"}'];

const ticketOf = (body: Buffer) => Number(/"ticket_id":"(\d+)"/.exec(body.toString())?.[1]);

const garbage: TestHandler = (_req, res, body) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(BODIES[ticketOf(body) % BODIES.length]);
};

/** A JSON object of exactly `bytes` bytes. */
function objectOfSize(bytes: number): string {
  return `{"pad":"${'x'.repeat(bytes - 10)}"}`;
}

describe('checkBody', () => {
  it('without it, every 200 is a success whatever its body (as before)', async () => {
    server = await startTestServer(garbage);
    const s = (await runLoadTest({ url: server.url, secret: 's', totalRequests: 30, ticketIdStart: 0, concurrency: 3 })).getSummary();
    expect(s.successCount).toBe(30);
    expect(s.errorClasses).toEqual({});
  });

  it('with jsonObjectBody, HTML, broken JSON, empty, null and [] are bad_body failures with their 200 kept', async () => {
    server = await startTestServer(garbage);
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 30,
      ticketIdStart: 0,
      concurrency: 1, // in order, so the first errors are one of each kind
      checkBody: jsonObjectBody,
    });
    const s = results.getSummary();
    expect(s.successCount).toBe(5);
    expect(s.failureCount).toBe(25);
    expect(s.statusCodes).toEqual({ '200': 30 });
    expect(s.errorClasses).toEqual({ bad_body: 25 });
    expect(s.responseTimes.count).toBe(30); // answered, so each has a latency
    expect(s.errors.slice(0, 5).map((e) => e.message)).toEqual([
      'HTTP 200, bad body: not JSON (<html><body>It works!</body></html>)',
      'HTTP 200, bad body: not JSON ({"status": proc)',
      'HTTP 200, bad body: empty body',
      'HTTP 200, bad body: JSON null, not an object',
      'HTTP 200, bad body: JSON array, not an object',
    ]);
    expect(s.errors[0]).toMatchObject({ errorClass: 'bad_body', status: 200, ticketId: 0 });
    for (const sample of results.samples) {
      const good = sample.ticketId % BODIES.length === 5;
      expect({ ticket: sample.ticketId, ok: sample.ok, errorClass: sample.errorClass, status: sample.status }).toEqual({
        ticket: sample.ticketId,
        ok: good,
        errorClass: good ? null : 'bad_body',
        status: 200,
      });
    }
  });

  it('judges the whole body, however many chunks it came in, and gets the status', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(201);
      res.write('{"a":');
      setTimeout(() => res.end('"b"}'), 5);
    });
    const seen: { body: string; status: number }[] = [];
    const s = (
      await runLoadTest({
        url: server.url,
        secret: 's',
        totalRequests: 2,
        isSuccess: (status) => status === 201,
        checkBody: (body, status) => {
          seen.push({ body: body.toString(), status });
          return jsonObjectBody(body, status);
        },
      })
    ).getSummary();
    expect(s.successCount).toBe(2);
    expect(seen).toEqual([
      { body: '{"a":"b"}', status: 201 },
      { body: '{"a":"b"}', status: 201 },
    ]);
  });

  it('never sees a response isSuccess refused: a 429 stays http_429 with its excerpt', async () => {
    server = await startTestServer((_req, res) => res.writeHead(429).end('<html>slow down</html>'));
    let calls = 0;
    const s = (await runLoadTest({ url: server.url, secret: 's', totalRequests: 4, checkBody: () => `called ${++calls}` })).getSummary();
    expect(calls).toBe(0);
    expect(s.errorClasses).toEqual({ http_429: 4 });
    expect(s.errors[0]?.message).toBe('HTTP 429: <html>slow down</html>');
  });

  it('a check that throws or returns a non-string fails the request as bad_body, never the run, and warns once', async () => {
    server = await startTestServer((_req, res, body) => res.writeHead(200).end(`{"n":${ticketOf(body)}}`));
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 6,
      ticketIdStart: 0,
      concurrency: 1,
      checkBody: (body) => {
        const n = (JSON.parse(body.toString()) as { n: number }).n;
        if (n % 3 === 0) throw new Error(`boom ${n}`);
        return n % 3 === 1 ? (false as unknown as string) : null;
      },
    });
    const s = results.getSummary();
    expect(s.successCount).toBe(2);
    expect(s.errorClasses).toEqual({ bad_body: 4 });
    expect(s.errors.map((e) => e.message)).toEqual([
      'HTTP 200, bad body: checkBody threw: boom 0',
      'HTTP 200, bad body: checkBody returned a boolean, not null or a reason string',
      'HTTP 200, bad body: checkBody threw: boom 3',
      'HTTP 200, bad body: checkBody returned a boolean, not null or a reason string',
    ]);
    expect(s.warnings.filter((w) => w.includes('checkBody threw'))).toEqual([
      'checkBody threw (first: boom 0); such responses count as bad_body failures.',
    ]);
  });

  it('checks a body of exactly 1 MiB, fails a larger one without calling the check, and drains it on the same connection', async () => {
    server = await startTestServer((_req, res, body) => {
      const size = ticketOf(body) % 2 === 0 ? MAX_CHECKED_BODY_BYTES : MAX_CHECKED_BODY_BYTES + 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(objectOfSize(size));
    });
    const sizes: number[] = [];
    const s = (
      await runLoadTest({
        url: server.url,
        secret: 's',
        totalRequests: 4,
        ticketIdStart: 0,
        concurrency: 1,
        checkBody: (body, status) => {
          sizes.push(body.length);
          return jsonObjectBody(body, status);
        },
      })
    ).getSummary();
    expect(sizes).toEqual([MAX_CHECKED_BODY_BYTES, MAX_CHECKED_BODY_BYTES]);
    expect(s.successCount).toBe(2);
    expect(s.errorClasses).toEqual({ bad_body: 2 });
    expect(s.errors.map((e) => e.message)).toEqual(['HTTP 200, bad body: body over 1 MiB', 'HTTP 200, bad body: body over 1 MiB']);
    expect(server.connections).toBe(1); // the oversized bodies were read to the end, so the connection was reused
  });

  it('refuses a checkBody that is not a function, naming it, before any request', async () => {
    server = await startTestServer(garbage);
    const bad = { url: server.url, secret: 's', totalRequests: 2, checkBody: 'json' as unknown as () => null };
    const error = await runLoadTest(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadTestOptionError);
    expect((error as LoadTestOptionError).option).toBe('checkBody');
    expect((error as Error).message).toMatch(/invalid option "checkBody": got "json"; expected a function .*jsonObjectBody/);
    expect(server.requests).toBe(0);
  });
});
