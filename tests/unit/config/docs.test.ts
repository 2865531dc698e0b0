// The configuration reference is written from the one declaration of each setting
// (scripts/docs-settings.ts): the committed page must be what the generator writes, and the
// generator reads the suite's declarations and the built-in specs' setting() calls as they are.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC, configurationDoc, ROOT, staleMessage } from '../../../scripts/docs-settings.ts';
import {
  DOCS_SETTINGS_COMMAND,
  parseSpecKnobs,
  settingsBlock,
  SETTINGS_BEGIN,
  SETTINGS_END,
  withSettingsBlock,
} from '../../helpers/config/docs.ts';
import { configVariables } from '../../helpers/config/settings.ts';

describe('docs/configuration.md', () => {
  it(`is what the declarations say (else run ${DOCS_SETTINGS_COMMAND})`, () => {
    const { current, expected } = configurationDoc();
    expect(current, `${CONFIGURATION_DOC} is missing: run ${DOCS_SETTINGS_COMMAND}`).toBeDefined();
    expect(current === expected, staleMessage()).toBe(true);
  });

  it("lists every suite setting with its default and description, and the built-in specs' knobs", () => {
    const page = readFileSync(join(ROOT, CONFIGURATION_DOC), 'utf8');
    for (const rule of configVariables()) expect(page).toContain(`| \`${rule.name}\` |`);
    expect(page).toMatch(/\| `PERF_TARGETS` \| `successRatePercent>99,p50Ms<500,p95Ms<2000,p99Ms<5000,throughputPerMinute>=100` \|/);
    expect(page).toMatch(/\| `STANDARD_REQUESTS` \| `standard` \| `100` \| a request count .* \| the requests sent/);
    expect(page).toMatch(/\| `CUSTOM_REQUESTS` \| `custom` \| `20` \|/);
  });

  it('negative control: a changed declaration makes the check fail, naming the command', () => {
    const { current } = configurationDoc();
    const rules = configVariables().map((rule) => (rule.name === 'PERF_SCALE' ? { ...rule, default: '2' } : rule));
    expect(withSettingsBlock(current, settingsBlock(rules, []))).not.toBe(current);
    const dir = mkdtempSync(join(tmpdir(), 'docs-settings-'));
    try {
      // A checkout without the page: the check says what to run.
      expect(staleMessage(dir)).toBe(
        `${CONFIGURATION_DOC} is not what the settings' declarations say: run \`${DOCS_SETTINGS_COMMAND}\` and commit the page`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the generated block', () => {
  it('goes between the markers, keeping the rest of the page; writing it twice changes nothing', () => {
    const page = `# Configuration\n\nIntro.\n\n${SETTINGS_BEGIN}\nold table\n${SETTINGS_END}\n\n## Typos\n`;
    const once = withSettingsBlock(page, 'NEW');
    expect(once).toBe(`# Configuration\n\nIntro.\n\n${SETTINGS_BEGIN}\n\nNEW\n\n${SETTINGS_END}\n\n## Typos\n`);
    expect(withSettingsBlock(once, 'NEW')).toBe(once);
    expect(withSettingsBlock(undefined, 'NEW')).toBe(`# Configuration\n\n## Settings\n\n${SETTINGS_BEGIN}\n\nNEW\n\n${SETTINGS_END}\n`);
    expect(withSettingsBlock('# Configuration\n', 'NEW')).toContain(`${SETTINGS_BEGIN}\n\nNEW\n\n${SETTINGS_END}`);
    expect(() => withSettingsBlock(`${SETTINGS_END}\n${SETTINGS_BEGIN}\n`, 'NEW')).toThrow(/in order/);
  });

  it('escapes what would break a Markdown table', () => {
    const [rule] = configVariables();
    const block = settingsBlock([{ ...rule!, doc: 'a | b <script>' }], []);
    expect(block).toContain('a \\| b &lt;script>');
  });
});

describe("parseSpecKnobs: a spec's setting() calls", () => {
  it('reads every form with its default, what it accepts and its comment', () => {
    const source = [
      "const requests = setting('MY_REQUESTS', 1_000, 'count'); // requests sent",
      "const rate = setting('MY_RATE', 2.5, { min: 0.01, max: 10_000 });",
      '// whole steps only',
      "const steps = setting('MY_STEPS', 3, { max: 9, integer: true });",
      "const strict = setting('MY_STRICT', false);",
      "const mode = setting('MY_MODE', 'fast', ['fast', 'slow']), // how to go",
      "const loose = setting('MY_LOOSE', 1);",
      'const wrapped = setting(',
      "  'MY_WRAPPED',",
      '  5,',
      '  { min: 1, max: 50 },',
      '); // prettier wraps long calls',
      "const notOne = mySetting('NOT_ONE', 1);",
    ].join('\n');
    expect(parseSpecKnobs(source, 'mine')).toEqual([
      {
        name: 'MY_REQUESTS',
        spec: 'mine',
        default: '1000',
        accepts: 'a request count (a whole number from 1), times PERF_SCALE',
        doc: 'requests sent',
      },
      { name: 'MY_RATE', spec: 'mine', default: '2.5', accepts: 'a number from 0.01 to 10000', doc: '' },
      { name: 'MY_STEPS', spec: 'mine', default: '3', accepts: 'a whole number from 0 to 9', doc: 'whole steps only' },
      { name: 'MY_STRICT', spec: 'mine', default: 'false', accepts: 'true or false', doc: '' },
      { name: 'MY_MODE', spec: 'mine', default: 'fast', accepts: 'fast, slow', doc: 'how to go' },
      { name: 'MY_LOOSE', spec: 'mine', default: '1', accepts: 'a number from 0', doc: '' },
      { name: 'MY_WRAPPED', spec: 'mine', default: '5', accepts: 'a number from 1 to 50', doc: 'prettier wraps long calls' },
    ]);
  });

  it("reads specSettings' reader calls as the same knobs", () => {
    const source = [
      'const s = specSettings((env) => ({',
      "  enabled: env.bool('MY_ON', false),",
      "  requests: env.count('MY_REQUESTS', 30), // requests sent",
      '  // whole steps only',
      "  steps: env.int('MY_STEPS', 50, 10, 100_000),",
      "  rate: env.number('MY_RATE', 2, 0.5, 600),",
      "  mode: env.choice('MY_MODE', ['fast', 'slow'], 'slow'),",
      '}));',
    ].join('\n');
    expect(parseSpecKnobs(source, 'old').map(({ name, default: value, accepts, doc }) => [name, value, accepts, doc])).toEqual([
      ['MY_ON', 'false', 'true or false', ''],
      ['MY_REQUESTS', '30', 'a request count (a whole number from 1), times PERF_SCALE', 'requests sent'],
      ['MY_STEPS', '50', 'a whole number from 10 to 100000', 'whole steps only'],
      ['MY_RATE', '2', 'a number from 0.5 to 600', ''],
      ['MY_MODE', 'slow', 'fast, slow', ''],
    ]);
  });

  it('reads the custom template as a user would copy it', () => {
    const source = readFileSync(join(ROOT, 'tests', 'performance', 'custom.spec.ts'), 'utf8');
    expect(parseSpecKnobs(source, 'custom').map((knob) => [knob.name, knob.default])).toEqual([
      ['CUSTOM_REQUESTS', '20'],
      ['CUSTOM_REQUESTS_PER_SECOND', '2'],
    ]);
  });
});
