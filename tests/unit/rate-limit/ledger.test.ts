// The ledger file: what it keeps, for which service, for how long; and what a run adds to it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { admittedSendTimes, RateLedger } from '../../helpers/rate-limit/index.ts';

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
    expect(await a.sentTimes()).toEqual([]);
    await a.record([now - 200_000, now - 1000, now]);
    await b.record([now - 2000]);
    expect(await a.sentTimes()).toEqual([now - 1000, now]);
    expect(await b.sentTimes()).toEqual([now - 2000]);
    now += 119_500;
    expect(await a.sentTimes()).toEqual([now - 119_500]);
    await a.record([now]); // prunes every target
    expect(JSON.parse(readFileSync(path, 'utf8')).sent).toEqual({ 'http://127.0.0.1:1/webhook': [now - 119_500, now] });
    writeFileSync(path, 'not json');
    expect(await a.sentTimes()).toEqual([]);
  });

  it("a run's admitted send times: wall-clock, without the 429s", () => {
    const samples = [
      { actualStartMs: 0, status: 200 },
      { actualStartMs: 10.4, status: 429 },
      { actualStartMs: 20.6, status: 0 }, // no answer: may have been counted
      { actualStartMs: 30, status: 500 },
    ];
    const results = { info: { startedAt: '2026-12-01T00:00:00.000Z' }, sampleCount: samples.length, sample: (i: number) => samples[i]! };
    const t0 = Date.parse('2026-12-01T00:00:00.000Z');
    expect(admittedSendTimes(results)).toEqual([t0, t0 + 21, t0 + 30]);
  });
});
