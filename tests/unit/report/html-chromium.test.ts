// Opens the HTML report in Debian's headless Chromium (driven by playwright-core,
// which downloads no browser): the charts must draw, with no console error and
// no network request. Without chromium the test skips, except on CI (CI=true),
// where .ci/run installs it and a missing browser is a failure.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeHttpPhases } from '../../helpers/engine/http-phases.ts';
import { Profiler } from '../../helpers/engine/profiler.ts';
import { writeHtmlReport } from '../../helpers/report/report-files.ts';
import { targetThresholds } from '../../helpers/analysis/targets.ts';
import { evaluateThresholds } from '../../helpers/analysis/thresholds.ts';
import type { SpecReport } from '../../helpers/model/index.ts';
import { config, latencies, makeReport } from './fixtures.ts';

// CHROMIUM_PATH names another Chromium or Chrome binary (GitHub's Ubuntu runners have Google Chrome).
const NAMED = process.env.CHROMIUM_PATH ?? '';
const CHROMIUM =
  NAMED !== '' ? NAMED : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
const SCREENSHOT = resolve(import.meta.dirname, '../../../reports/screenshots/html-report.png');
const FIRST_SCREEN = resolve(import.meta.dirname, '../../../reports/screenshots/html-report-first-screen.png');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

async function writeSampleReports(dir: string): Promise<number> {
  let t = 0;
  const profiler = new Profiler(() => t);
  for (let i = 0; i < 3; i++) {
    profiler.measureSync('end_to_end', () => {
      profiler.measureSync('payload_generation', () => (t += 0.2));
      profiler.measureSync('http_request', () => (t += 220));
    });
  }
  const phases = { waiting_for_connection: 0.3, connecting: 1.5, sending: 0.4, waiting_for_first_byte: 214, receiving_body: 0.6 };
  const http = summarizeHttpPhases([{ origin: 'o', path: '/', status: 200, newConnection: true, phases, totalMs: 216.8 }], {
    name: 'end_to_end',
    totalMs: 221,
  });
  const reports = [
    makeReport('standard', { load: { latencies: latencies(100, 250), failures: { 20: 500, 61: 503 }, refused: [80] } }),
    makeReport('burst', {
      burst: {
        latencies: latencies(50, 30),
        intervalMs: 0,
        failures: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [i + 20, 429])),
      },
      recovery: { latencies: latencies(10, 260) },
    }),
    makeReport(
      'profile',
      { metrics: { latencies: latencies(20, 240), lagMs: 3 } },
      { extra: { profile: profiler.report('end_to_end'), httpPhases: http } },
    ),
  ];
  for (const report of reports) {
    // Each spec's first phase judged against the suite's targets (PERF_TARGETS' five warn rows), as toMeet does.
    const [phase] = Object.keys(report.summaries);
    const judged: SpecReport = {
      ...report,
      thresholds: evaluateThresholds(targetThresholds(config.targets, phase!), report.summaries as never),
    };
    await writeFile(join(dir, `${report.spec}.json`), JSON.stringify(judged));
  }
  return 4; // phases with a timeline: standard/load, burst/burst, burst/recovery, profile/metrics
}

describe('HTML report in headless Chromium', () => {
  it('draws every chart with no console error and no network request', async (ctx) => {
    if (NAMED !== '' && !existsSync(NAMED)) throw new Error(`CHROMIUM_PATH=${NAMED} does not exist; unset it or name a Chromium binary`);
    if (!CHROMIUM) {
      if (process.env.CI === 'true')
        throw new Error(
          "chromium is not installed: on CI, .ci/run must install Debian's chromium package (apt-get install -y chromium), or set CHROMIUM_PATH",
        );
      return ctx.skip('chromium is not installed (apt-get install -y chromium); the HTML report was not opened in a browser');
    }
    const dir = await mkdtemp(join(tmpdir(), 'perf-html-'));
    const profileDir = await mkdtemp(join(tmpdir(), 'perf-chromium-profile-'));
    temporary.push(dir, profileDir);
    const phases = await writeSampleReports(dir);
    const { path, specs } = await writeHtmlReport(dir, { generatedAt: '2025-01-01T00:02:00.000Z' });
    expect(specs).toBe(3);

    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 900 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const consoleErrors: string[] = [];
      const network: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        network.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });

      // The first screen: the run's verdict and what was tested, before any table.
      const banner = page.locator('section.banner');
      expect(await banner.getAttribute('data-verdict')).toBe('passed');
      expect(await banner.locator('.counts').textContent()).toBe('3 specs: 3 passed');
      expect(await banner.locator('.tested').textContent()).toMatch(
        /PERF_SCALE=1 · RATE_LIMIT=100\/60s · success 200 json-object · http:\/\/127\.0\.0\.1:\d+\/webhook\/freshdesk/,
      );
      expect((await banner.boundingBox())!.y).toBeLessThan(200);
      await mkdir(resolve(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: FIRST_SCREEN }); // the first 1400 x 900, as a person opening it sees it

      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          return {
            name: svg.getAttribute('data-chart'),
            width: box.width,
            height: box.height,
            marks: svg.querySelectorAll('circle, rect, path.failure, path.line, line.marker').length,
            empty: svg.textContent?.includes('A burst: every request was due at once') === true,
          };
        }),
      );
      expect(charts).toHaveLength(phases * 4);
      // The burst's schedule lag has nothing to draw, and says why instead of an empty frame.
      expect(charts.filter((chart) => chart.empty).map((chart) => chart.name)).toEqual(['schedule-lag']);
      for (const chart of charts.filter((c) => !c.empty)) {
        expect(chart.width, `${chart.name} width`).toBeGreaterThan(200);
        expect(chart.height, `${chart.name} height`).toBeGreaterThan(100);
        expect(chart.marks, `${chart.name} draws something`).toBeGreaterThan(0);
      }
      // The percentile labels of every histogram stay apart.
      const overlaps = await page.$$eval('svg[data-chart="latency-histogram"]', (svgs) =>
        svgs.flatMap((svg) => {
          const boxes = [...svg.querySelectorAll('text')]
            .filter((t) => /^P\d\d /.test(t.textContent ?? ''))
            .map((t) => t.getBoundingClientRect());
          return boxes.flatMap((a, i) =>
            boxes
              .slice(i + 1)
              .filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
              .map(() => 1),
          );
        }),
      );
      expect(overlaps).toEqual([]);
      expect(await page.locator('svg[data-chart="latency-over-time"] path.failure').count()).toBe(3 + 30);
      expect(await page.locator('line.marker').count()).toBe(phases * 3);
      expect(await page.locator('td.verdict').count()).toBe(3 * 5);
      expect(await page.locator('table.profile').count()).toBe(2);
      expect(await page.title()).toBe('Webhook performance report');
      expect(consoleErrors).toEqual([]);
      expect(network).toEqual([]);

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);
});
