import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findHttpBottlenecks,
  formatHttpPhases,
  HTTP_PHASES,
  HttpPhaseRecorder,
  phasesOf,
  summarizeHttpPhases,
  type HttpPhaseSample,
} from '../../helpers/engine/http-phases.ts';

const DELAY_MS = 150;

/** /first-byte waits before answering; /slow-body answers at once but holds the end of the body. */
function startServer(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/first-byte') {
        setTimeout(() => res.end('{"ok":true}'), DELAY_MS);
      } else if (req.url === '/slow-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        res.write('{"ok":');
        setTimeout(() => res.end('true}'), DELAY_MS);
      } else {
        res.end('{}');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server: Server;
let origin: string;

beforeAll(async () => {
  server = await startServer();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(pool: Pool | Client, path: string): Promise<void> {
  const response = await pool.request({ method: 'POST', path, body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  await response.body.text();
}

describe('phasesOf (pure)', () => {
  it('splits a request into five phases that add up to its time', () => {
    const { phases, totalMs } = phasesOf({
      createdMs: 0,
      connectStartMs: 2,
      connectedMs: 7,
      headersSentMs: 9,
      bodySentMs: 10,
      firstByteMs: 110,
      endMs: 115,
    });
    expect(phases).toEqual({ waiting_for_connection: 4, connecting: 5, sending: 1, waiting_for_first_byte: 100, receiving_body: 5 });
    expect(totalMs).toBe(115);
    // A connect that started before the request existed is charged only from its creation.
    expect(
      phasesOf({ createdMs: 10, connectStartMs: 0, connectedMs: 15, headersSentMs: 15, bodySentMs: 15, firstByteMs: 20, endMs: 20 }).phases
        .connecting,
    ).toBe(5);
  });
});

describe('HttpPhaseRecorder (real undici requests on 127.0.0.1)', () => {
  it('puts a slow server in waiting_for_first_byte and a slow body in receiving_body; reuses the connection', async () => {
    const recorder = new HttpPhaseRecorder(origin).start();
    const pool = new Pool(origin, { connections: 1 });
    try {
      await post(pool, '/first-byte');
      await post(pool, '/slow-body');
      await post(pool, '/fast');
    } finally {
      recorder.stop();
      await pool.close();
    }
    const [firstByte, slowBody, fast] = recorder.samples as HttpPhaseSample[];
    expect(recorder.samples).toHaveLength(3);
    expect(firstByte!.path).toBe('/first-byte');
    expect(firstByte!.status).toBe(200);
    expect(firstByte!.newConnection).toBe(true);
    expect(slowBody!.newConnection).toBe(false);
    expect(fast!.newConnection).toBe(false);
    expect(fast!.phases.connecting).toBe(0);

    expect(firstByte!.phases.waiting_for_first_byte).toBeGreaterThanOrEqual(DELAY_MS * 0.8);
    expect(firstByte!.phases.waiting_for_first_byte).toBeGreaterThan(4 * firstByte!.phases.receiving_body);
    expect(slowBody!.phases.receiving_body).toBeGreaterThanOrEqual(DELAY_MS * 0.8);
    expect(slowBody!.phases.receiving_body).toBeGreaterThan(slowBody!.phases.waiting_for_first_byte);
    for (const sample of recorder.samples) {
      const sum = HTTP_PHASES.reduce((total, phase) => total + sample.phases[phase], 0);
      expect(sum).toBeCloseTo(sample.totalMs, 6);
    }
  });

  // A Client queues requests it has created (a Pool's own queue comes before creation and is not seen).
  it('sees the wait for a busy connection, and ignores other origins and anything after stop()', async () => {
    const recorder = new HttpPhaseRecorder(origin).start();
    const pool = new Client(origin);
    const other = new Pool(`http://localhost:${(server.address() as AddressInfo).port}`, { connections: 1 });
    try {
      await Promise.all([post(pool, '/first-byte'), post(pool, '/fast'), post(other, '/fast')]);
      recorder.stop();
      await post(pool, '/fast');
    } finally {
      recorder.stop();
      await pool.close();
      await other.close();
    }
    expect(recorder.samples.map((s) => s.path)).toEqual(['/first-byte', '/fast']);
    const queued = recorder.samples[1]!;
    expect(queued.phases.waiting_for_connection).toBeGreaterThanOrEqual(DELAY_MS * 0.8);
  });
});

describe('HTTP phase report', () => {
  const sample = (phases: Partial<HttpPhaseSample['phases']>): HttpPhaseSample => {
    const full = { waiting_for_connection: 0, connecting: 0, sending: 0, waiting_for_first_byte: 0, receiving_body: 0, ...phases };
    return {
      origin: 'x',
      path: '/',
      status: 200,
      newConnection: false,
      phases: full,
      totalMs: Object.values(full).reduce((a, b) => a + b, 0),
    };
  };

  it("names a first-byte bottleneck as the server's time, with the advice for it", () => {
    const samples = [
      sample({ waiting_for_first_byte: 80, sending: 1, receiving_body: 2 }),
      sample({ waiting_for_first_byte: 120, sending: 1, receiving_body: 2 }),
    ];
    const report = summarizeHttpPhases(samples, { name: 'end_to_end', totalMs: 250 });
    const row = report.rows.find((r) => r.phase === 'waiting_for_first_byte')!;
    expect(row).toMatchObject({ totalMs: 200, avgMs: 100, percentOfRoot: 80, side: 'server' });
    const bottlenecks = findHttpBottlenecks(report, 10);
    expect(bottlenecks.map((b) => b.phase)).toEqual(['waiting_for_first_byte']);
    expect(bottlenecks[0]!.message).toContain("the server's time");
    expect(bottlenecks[0]!.advice).toMatch(/caching/);
    const text = formatHttpPhases(report, 10);
    expect(text).toContain('waiting_for_first_byte: 80.0% of end_to_end');
    expect(text).toContain('connection pooling');
  });

  it("names a connection wait as the client's side", () => {
    const report = summarizeHttpPhases([
      sample({ waiting_for_connection: 30, waiting_for_first_byte: 5 }),
      sample({ connecting: 40, waiting_for_first_byte: 5 }),
    ]);
    const bottlenecks = findHttpBottlenecks(report, 10);
    expect(bottlenecks.map((b) => b.phase)).toEqual(['connecting', 'waiting_for_connection', 'waiting_for_first_byte']);
    expect(bottlenecks[0]!.message).toContain("the client's side");
    expect(bottlenecks[0]!.advice).toContain('connection pooling');
    expect(formatHttpPhases(summarizeHttpPhases([sample({ sending: 1 })]), 100)).toContain('No HTTP phase over 100%');
  });
});
