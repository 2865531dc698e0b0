// The ledger file: what it keeps, for which service, for how long; and what a run adds to it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { admittedSends, RateLedger } from '../../helpers/rate-limit/index.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('RateLedger', () => {
  it('keeps send times per service, drops the ones older than keepMs, and survives a missing or broken file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const path = join(dir, 'rate-ledger.json');
    let now = 1_000_000;
    const a = new RateLedger(path, 'http://127.0.0.1:1/webhook', 120_000, () => now);
    const b = new RateLedger(path, 'http://127.0.0.1:2/webhook', 120_000, () => now);
    expect(a.sent()).toEqual([]);
    a.record([
      [now - 200_000, now - 199_000],
      [now - 1000, now - 900],
      [now, now + 5],
    ]);
    b.record([[now - 2000, now - 1500]]);
    expect(a.sent()).toEqual([
      [now - 1000, now - 900],
      [now, now + 5],
    ]);
    expect(b.sent()).toEqual([[now - 2000, now - 1500]]);
    now += 119_500; // kept by the answer time: the later of the two
    expect(a.sent()).toEqual([[now - 119_500, now - 119_495]]);
    a.record([[now, now]]); // prunes every target
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 2,
      sent: {
        'http://127.0.0.1:1/webhook': [
          [now - 119_500, now - 119_495],
          [now, now],
        ],
      },
    });
    writeFileSync(path, 'not json');
    expect(a.sent()).toEqual([]);
    writeFileSync(path, JSON.stringify({ version: 2, sent: { 'http://127.0.0.1:1/webhook': 'oops', other: [[1, 'x'], 5] } }));
    expect(a.sent()).toEqual([]);
    a.record([[now, now]]); // a malformed file is replaced, not thrown on
    expect(a.sent()).toEqual([[now, now]]);
  });

  it('record creates the file and its directory, keeps the entries already there and drops the old ones', () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const path = join(dir, 'nested', 'rate-ledger.json');
    let now = 1_000_000;
    const ledger = new RateLedger(path, 'http://127.0.0.1:1/webhook', 60_000, () => now);
    ledger.record([[now - 100, now - 50]]); // no file, no directory yet
    ledger.record([[now, now + 1]]);
    now += 30_000;
    ledger.record([
      [now, now + 2],
      [now - 90_000, now - 89_000], // too old: dropped
    ]);
    expect(ledger.sent()).toEqual([
      [now - 30_100, now - 30_050],
      [now - 30_000, now - 29_999],
      [now, now + 2],
    ]);
    writeFileSync(path, 'not json');
    ledger.record([[now, now]]);
    expect(ledger.sent()).toEqual([[now, now]]);
  });

  it("a run's admitted requests: sent and answered, wall-clock, without the 429s", () => {
    const samples = [
      { actualStartMs: 0, endMs: 250.2, status: 200 },
      { actualStartMs: 10.4, endMs: 12, status: 429 },
      { actualStartMs: 20.6, endMs: 5020.6, status: 0 }, // no answer (a timeout): may have been counted
      { actualStartMs: 30, endMs: Number.NaN, status: 500 },
    ];
    const results = { info: { startedAt: '2026-12-01T00:00:00.000Z' }, sampleCount: samples.length, sample: (i: number) => samples[i]! };
    const t0 = Date.parse('2026-12-01T00:00:00.000Z');
    expect(admittedSends(results)).toEqual([
      [t0, t0 + 250],
      [t0 + 21, t0 + 5021],
      [t0 + 30, t0 + 30],
    ]);
  });
});
