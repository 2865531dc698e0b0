// The configuration reference (docs/configuration.md, between `<!-- settings:begin -->` and
// `<!-- settings:end -->`) as data: the suite's settings from their one declaration
// (settings.ts: name, default, what it accepts, a one-line description), and the built-in
// specs' own knobs parsed from their `setting('NAME', fallback, rule)` calls (a description
// from a trailing `//` comment, else from the `//` lines right above). Pure: sources in,
// Markdown out; scripts/docs-settings.ts reads and writes the files.
import { acceptsOf, type VariableRule } from './settings.ts';

/** The specs that ship with the suite, whose knobs the reference lists (a copy of custom.spec.ts is the user's, not listed). */
export const BUILT_IN_SPECS = ['standard', 'sustained', 'burst', 'profile', 'capacity', 'custom'] as const;

export const SETTINGS_BEGIN = '<!-- settings:begin -->';
export const SETTINGS_END = '<!-- settings:end -->';

/** The command that writes the block; the check's failure names it. */
export const DOCS_SETTINGS_COMMAND = 'npm run docs:settings';

/** One knob a spec declares with setting(), as its source says it. */
export interface SpecKnob {
  name: string;
  spec: string;
  /** The fallback as a value (`100`, `false`, `fast`), before PERF_SCALE. */
  default: string;
  /** What it accepts, in words. */
  accepts: string;
  /** The `//` comment beside or above the declaration; '' without one. */
  doc: string;
}

/** The arguments of a call whose `(` is at `open`, split at top-level commas, and where its `)` is; undefined if unbalanced. */
function callArguments(source: string, open: number): { args: string[]; close: number } | undefined {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = open + 1;
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ')') {
      if (depth === 0) {
        args.push(source.slice(start, i).trim());
        return { args: args.filter((arg, index) => arg !== '' || index < args.length - 1), close: i };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}

const unquote = (text: string): string | undefined => /^(['"])(.*)\1$/s.exec(text)?.[2];

/** A numeric literal of the source (`100_000`, `0.5`), or undefined. */
function numberOf(text: string): number | undefined {
  if (!/^-?[\d_]+(\.[\d_]+)?(e-?\d+)?$/i.test(text.trim())) return undefined;
  const value = Number(text.trim().replace(/_/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** What a number knob accepts, from setting()'s rule (setting.ts: min 0 unless given, no upper bound named unless given). */
function numberAccepts(rule: string | undefined): string {
  if (rule === undefined) return 'a number from 0';
  if (unquote(rule) === 'count') return 'a request count (a whole number from 1), times PERF_SCALE';
  const body = /^\{([^{}]*)\}$/s.exec(rule.trim())?.[1];
  if (body === undefined) return `\`${rule.replace(/\s+/g, ' ')}\``;
  const fields = Object.fromEntries(
    body
      .split(',')
      .map((part) => part.split(':').map((side) => side.trim()))
      .filter((pair) => pair.length === 2 && pair[0] !== ''),
  ) as Record<string, string>;
  const min = fields.min === undefined ? 0 : numberOf(fields.min);
  const max = fields.max === undefined ? undefined : numberOf(fields.max);
  if (min === undefined || (fields.max !== undefined && max === undefined)) return `\`${rule.replace(/\s+/g, ' ')}\``;
  const what = fields.integer === 'true' ? 'a whole number' : 'a number';
  return max === undefined ? `${what} from ${min}` : `${what} from ${min} to ${max}`;
}

/** The description a declaration carries: its trailing `//` comment, else the `//` lines right above its line. */
function commentOf(source: string, start: number, close: number): string {
  const lineEnd = source.indexOf('\n', close);
  const rest = source.slice(close + 1, lineEnd === -1 ? undefined : lineEnd);
  const trailing = /^\s*[;,]?\s*\/\/\s?(.*)$/.exec(rest)?.[1];
  if (trailing !== undefined) return trailing.trim();
  const lines = source.slice(0, source.lastIndexOf('\n', start) + 1).split('\n');
  lines.pop(); // '' after the last newline
  const above: string[] = [];
  for (let line = lines.pop(); line !== undefined && /^\s*\/\/(?!\/)/.test(line); line = lines.pop()) {
    above.unshift(line.replace(/^\s*\/\/\s?/, '').trim());
  }
  return above.join(' ');
}

/** What specSettings' reader (`env.int('NAME', fallback, min, max)` and the like) accepts, as setting()'s rule would say it. */
function readerCall(method: string, args: readonly string[]): { fallback: string | undefined; rule: string | undefined } {
  const [, second, third, fourth] = args;
  if (method === 'count') return { fallback: second, rule: "'count'" };
  if (method === 'bool') return { fallback: second, rule: undefined };
  if (method === 'choice') return { fallback: third, rule: second };
  const integer = method === 'int' ? ', integer: true' : '';
  return {
    fallback: second,
    rule: third === undefined || fourth === undefined ? undefined : `{ min: ${third}, max: ${fourth}${integer} }`,
  };
}

/**
 * Every `setting('NAME', fallback, rule)` call of a spec's source, in order (and the calls of
 * specSettings' reader, `env.number('NAME', fallback, min, max)` and the like, that older specs make).
 */
export function parseSpecKnobs(source: string, spec: string): SpecKnob[] {
  const knobs: SpecKnob[] = [];
  for (const match of source.matchAll(/(?<![\w.$])(?:setting|env\.(count|int|number|bool|choice))\(/g)) {
    const open = match.index + match[0].length - 1;
    const call = callArguments(source, open);
    if (call === undefined) continue;
    const nameArg = call.args[0];
    const { fallback, rule } = match[1] === undefined ? { fallback: call.args[1], rule: call.args[2] } : readerCall(match[1], call.args);
    const name = nameArg === undefined ? undefined : unquote(nameArg);
    if (name === undefined || !/^[A-Z][A-Z0-9_]*$/.test(name) || fallback === undefined) continue;
    const text = unquote(fallback);
    let value: string;
    let accepts: string;
    if (fallback === 'true' || fallback === 'false') {
      value = fallback;
      accepts = 'true or false';
    } else if (text !== undefined) {
      value = text;
      const values = rule === undefined ? undefined : /^\[(.*)\]$/s.exec(rule.trim())?.[1];
      accepts =
        values === undefined
          ? `\`${String(rule)}\``
          : values
              .split(',')
              .map((v) => unquote(v.trim()) ?? v.trim())
              .filter(Boolean)
              .join(', ');
    } else {
      const number = numberOf(fallback);
      value = number === undefined ? fallback : String(number);
      accepts = numberAccepts(rule);
    }
    knobs.push({ name, spec, default: value, accepts, doc: commentOf(source, match.index, call.close) });
  }
  return knobs;
}

/** One Markdown table cell: `|` escaped, one line, no HTML tag opened. */
function cell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/\s+/g, ' ')
    .trim();
}

const code = (text: string): string => (text === '' ? '(empty)' : `\`${text.replace(/\|/g, '\\|')}\``);

function table(head: readonly string[], rows: readonly string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The generated block (without its markers): the suite's settings, then the built-in specs' knobs. */
export function settingsBlock(rules: readonly VariableRule[], knobs: readonly SpecKnob[]): string {
  const suite = table(
    ['variable', 'default', 'accepts', 'what it does'],
    rules.map((rule) => [code(rule.name), code(rule.default), cell(acceptsOf(rule)), cell(rule.doc)]),
  );
  const specs = table(
    ['variable', 'spec', 'default', 'accepts', 'what it does'],
    knobs.map((knob) => [code(knob.name), code(knob.spec), code(knob.default), cell(knob.accepts), cell(knob.doc)]),
  );
  return [
    `<!-- Written by \`${DOCS_SETTINGS_COMMAND}\` from the declarations (tests/helpers/config/settings.ts and the built-in specs' setting() calls): edit those, not these tables. -->`,
    '',
    "### The suite's settings",
    '',
    'In `.env.test`, with these defaults when a variable is unset or empty.',
    '',
    suite,
    '',
    "### The built-in specs' settings",
    '',
    'Each spec declares its own with `setting()` (validated when the spec loads; a count is multiplied by `PERF_SCALE`); they are not in `.env.test`. A copy of `custom.spec.ts` declares its own the same way.',
    '',
    specs,
  ].join('\n');
}

/**
 * `doc` with the block between its markers replaced (a page without them gets a minimal one,
 * markers included). Throws when the markers are there but out of order.
 */
export function withSettingsBlock(doc: string | undefined, block: string): string {
  const page = doc ?? `# Configuration\n\n## Settings\n\n${SETTINGS_BEGIN}\n${SETTINGS_END}\n`;
  const begin = page.indexOf(SETTINGS_BEGIN);
  const end = page.indexOf(SETTINGS_END);
  if (begin === -1 || end === -1) return `${page.trimEnd()}\n\n## Settings\n\n${SETTINGS_BEGIN}\n\n${block}\n\n${SETTINGS_END}\n`;
  if (end < begin) throw new Error(`${SETTINGS_END} comes before ${SETTINGS_BEGIN}: put the generated block's markers in order`);
  return `${page.slice(0, begin + SETTINGS_BEGIN.length)}\n\n${block}\n\n${page.slice(end)}`;
}

/** `.env.test` holds the suite's own settings, and at most this many. */
export const MAX_ENV_TEST_VARIABLES = 30;

/**
 * What is wrong with `.env.test` (its variables in file order) against the declaration: a suite
 * setting missing, a variable that is not one (a spec's knob is declared by its spec, not
 * here), the order not the declaration's (the file reads like the reference), too many.
 */
export function envTestProblems(variables: readonly string[], rules: readonly VariableRule[], specKnobs: readonly string[] = []): string[] {
  const problems: string[] = [];
  const suite = rules.map((rule) => rule.name);
  for (const name of suite.filter((n) => !variables.includes(n))) {
    problems.push(`${name} is a setting of the suite but not in .env.test: add it with its default`);
  }
  for (const name of variables.filter((n) => !suite.includes(n))) {
    problems.push(
      specKnobs.includes(name)
        ? `${name} is a spec's own setting (declared with setting()): not in .env.test; change it in the environment or an untracked .env`
        : `${name} is not a setting of the suite: remove it from .env.test (or declare it in tests/helpers/config/settings.ts)`,
    );
  }
  const known = variables.filter((n) => suite.includes(n));
  const declared = suite.filter((n) => known.includes(n));
  if (problems.length === 0 && known.join(',') !== declared.join(',')) {
    problems.push(`.env.test lists the settings in another order than their declaration: ${declared.join(', ')}`);
  }
  if (variables.length > MAX_ENV_TEST_VARIABLES) {
    problems.push(
      `.env.test holds ${variables.length} variables, more than ${MAX_ENV_TEST_VARIABLES}: a spec's knob belongs in the spec (setting())`,
    );
  }
  return problems;
}
