// The code blocks of README.md and docs/*.md: every ```ts block is extracted into
// tests/docs-examples/ (scripts/docs-examples.ts), where tsc, ESLint and Prettier check it with
// the rest of npm test, so the committed files must be the pages' blocks; and every ```bash
// block must run commands that exist: npm scripts of package.json, paths given to
// `npx vitest run`, scripts given to node or bash, and settings the suite or a spec reads.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  codeBlocks,
  docPages,
  extractExamples,
  ROOT,
  shellCommands,
  staleExamples,
  writeExamples,
  type CodeBlock,
  type ShellCommand,
} from '../../../scripts/docs-examples.ts';
import { configVariables, specDeclaredNames } from '../../helpers/config/index.ts';

const SHELL_LANGS = new Set(['bash', 'sh', 'shell']);
/** `npx vitest run` options that take the next word as their value. */
const VITEST_VALUE_OPTIONS = new Set([
  '--project',
  '--config',
  '-c',
  '--reporter',
  '--outputFile',
  '-t',
  '--testNamePattern',
  '--root',
  '-r',
]);

const allBlocks: CodeBlock[] = docPages().flatMap((page) => codeBlocks(page, readFileSync(join(ROOT, page), 'utf8')));

/** Settings a command may set: the suite's, and those the specs (or the docs' examples) declare. */
function knownSettings(): Set<string> {
  const specDir = join(ROOT, 'tests', 'performance');
  const specs = readdirSync(specDir)
    .filter((f) => f.endsWith('.spec.ts'))
    .map((f) => join(specDir, f));
  const sources = [...specs.map((f) => readFileSync(f, 'utf8')), ...allBlocks.filter((b) => b.lang === 'ts').map((b) => b.code)];
  const declared = sources.flatMap((source) => [...source.matchAll(/\bsetting\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g)].map((m) => m[1]!));
  return new Set([...configVariables().map((v) => v.name), ...specDeclaredNames(specs), ...declared]);
}

/** What is wrong with one command of a shell block, one sentence each. */
function commandProblems(command: ShellCommand, scripts: Record<string, string>, settings: Set<string>): string[] {
  const problems: string[] = [];
  for (const { name } of command.assignments) {
    if (!settings.has(name))
      problems.push(`${name} is not a setting of the suite (configVariables()) nor one a spec declares with setting('${name}', ...)`);
  }
  const [program, ...args] = command.words;
  if (program === 'npm') {
    const [sub, script] = args;
    if ((sub === 'run' || sub === 'run-script') && (script === undefined || !(script in scripts))) {
      problems.push(`npm run ${script ?? ''}: package.json has no such script (it has ${Object.keys(scripts).join(', ')})`);
    }
    if ((sub === 'test' || sub === 'start') && !(sub in scripts)) problems.push(`npm ${sub}: package.json has no ${sub} script`);
  }
  if (program === 'npx' && args[0] === 'vitest' && args[1] === 'run') {
    const rest = args.slice(2);
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === '--') break;
      if (arg.startsWith('-')) {
        if (VITEST_VALUE_OPTIONS.has(arg)) i++;
        continue;
      }
      if (!existsSync(join(ROOT, arg))) problems.push(`npx vitest run ${arg}: no such file or folder`);
    }
  }
  if (program === 'node' || program === 'bash' || program === 'sh') {
    for (const arg of args.filter((a) => /^[\w./-]+\.(ts|mts|js|mjs|cjs|sh)$/.test(a))) {
      if (!existsSync(join(ROOT, arg))) problems.push(`${program} ${arg}: no such file`);
    }
  }
  return problems;
}

describe('the ts blocks of the README and docs/', () => {
  it('are extracted into tests/docs-examples/ as the pages have them', () => {
    expect(staleExamples()).toEqual([]);
  });

  it('the README holds the spec an author starts from, extracted as a whole spec', () => {
    const readme = extractExamples().filter((e) => e.block.page === 'README.md');
    expect(readme.map((e) => e.file)).toContain('readme-1.spec.ts');
    expect(readme.find((e) => e.file === 'readme-1.spec.ts')?.content).toContain("load({ requests: 30, rate: '2/s' })");
  });

  it('skip the check only for a few fragments (ts skip-check)', () => {
    const skipped = allBlocks.filter((b) => b.lang === 'ts' && b.flags.includes('skip-check'));
    expect(skipped.length).toBeLessThanOrEqual(3);
  });
});

describe('the bash blocks of the README and docs/', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const settings = knownSettings();
  const shellBlocks = allBlocks.filter((b) => SHELL_LANGS.has(b.lang));

  it('exist', () => {
    expect(shellBlocks.length).toBeGreaterThan(10);
  });

  it('name existing npm scripts, vitest paths and scripts, and known settings', () => {
    const problems = shellBlocks.flatMap((block) =>
      shellCommands(block.code).flatMap((command) =>
        commandProblems(command, scripts, settings).map(
          (problem) => `${block.page}, bash block at line ${block.line}, command line ${command.line}: ${problem}`,
        ),
      ),
    );
    expect(problems).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings, code blocks left out. */
function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^( *)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2 *$/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} +(.+)$/gm)].map((m) => headingSlug(m[1]!)));
}

describe('the links of the README and docs/', () => {
  it('point to files that exist and to headings those files have', () => {
    const problems: string[] = [];
    for (const page of docPages()) {
      const markdown = readFileSync(join(ROOT, page), 'utf8');
      for (const [, target = ''] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path);
        if (!existsSync(file)) problems.push(`${page}: link ${target}: no such file`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
          problems.push(`${page}: link ${target}: no heading with that anchor`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('turns headings into GitHub anchors', () => {
    expect(headingSlug("Settings of a spec's own")).toBe('settings-of-a-specs-own');
    expect(headingSlug('Against `npm run stack`')).toBe('against-npm-run-stack');
    expect(headingSlug('With Docker (the compose provider)')).toBe('with-docker-the-compose-provider');
  });
});

describe('the checker itself', () => {
  const settings = new Set(['WEBHOOK_URL', 'PERF_SCALE', 'EMBEDDED_MOCK_ENV']);
  const scripts = { test: 'vitest', load: 'node scripts/load.ts' };
  const problemsOf = (code: string): string[] => shellCommands(code).flatMap((c) => commandProblems(c, scripts, settings));

  it('splits shell text as the shell does: quotes, continuations, comments, separators, export', () => {
    const commands = shellCommands(
      [
        'export PERF_SCALE=0.1   # a comment with WEBHOK_URL=x in it',
        'EMBEDDED_MOCK_ENV="FRESHDESK_LATENCY_MS=600 X=1" npx vitest run \\',
        '  tests/performance && npm run load -- --rate 10/s; echo "a # b" | cat',
        "watch -n 5 'curl -s http://x | jq'",
      ].join('\n'),
    );
    expect(commands.map((c) => [c.assignments.map((a) => `${a.name}=${a.value}`), c.words, c.line])).toEqual([
      [['PERF_SCALE=0.1'], [], 1],
      [['EMBEDDED_MOCK_ENV=FRESHDESK_LATENCY_MS=600 X=1'], ['npx', 'vitest', 'run', 'tests/performance'], 2],
      [[], ['npm', 'run', 'load', '--', '--rate', '10/s'], 3],
      [[], ['echo', 'a # b'], 3],
      [[], ['cat'], 3],
      [[], ['watch', '-n', '5', 'curl -s http://x | jq'], 4],
    ]);
  });

  it('names an unknown npm script, a missing vitest path, a missing script file and an unknown setting', () => {
    expect(problemsOf('npm run lodd')).toEqual([expect.stringContaining('npm run lodd: package.json has no such script')]);
    expect(problemsOf('npx vitest run tests/performance/nope.spec.ts --project performance')).toEqual([
      'npx vitest run tests/performance/nope.spec.ts: no such file or folder',
    ]);
    expect(problemsOf('node --import tsx scripts/nope.ts')).toEqual(['node scripts/nope.ts: no such file']);
    expect(problemsOf('WEBHOK_URL=http://x npm test')).toEqual([expect.stringContaining('WEBHOK_URL is not a setting')]);
    expect(problemsOf('PERF_SCALE=0.1 npx vitest run tests/performance --project performance && npm run load -- --help')).toEqual([]);
  });
});

describe('the extractor', () => {
  const root = mkdtempSync(join(tmpdir(), 'docs-examples-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'docs'));
  const spec =
    "import { perfTest, expect } from '../helpers/index.ts';\n\nperfTest('x', async ({ load }) => {\n  expect(await load({ requests: 1, rate: 'burst' })).toBeDefined();\n});\n";
  writeFileSync(join(root, 'README.md'), ['# R', '', '```ts', spec.trimEnd(), '```', '', '```bash', 'npm test', '```', ''].join('\n'));
  writeFileSync(
    join(root, 'docs', 'engine.md'),
    [
      '# E',
      '',
      '- a list item:',
      '',
      '  ```ts',
      "  import { runLoadTest } from '#engine';",
      '  void runLoadTest;',
      '  ```',
      '',
      '```ts skip-check',
      'fragment(',
      '```',
      '',
      '```ts',
      'export const x = 1;',
      '```',
      '',
    ].join('\n'),
  );

  it('files a whole spec as .spec.ts and other blocks as .ts, numbered per page, skip-check left out', () => {
    const examples = extractExamples(root);
    expect(examples.map((e) => e.file)).toEqual(['readme-1.spec.ts', 'engine-1.ts', 'engine-3.ts']);
    expect(examples[1]!.content).toContain("import { runLoadTest } from '#engine';\nvoid runLoadTest;\n");
    expect(examples[0]!.content.endsWith(spec)).toBe(true);
  });

  it('reports a missing, a changed and a left-over file, each naming the page and block and the command', () => {
    writeExamples(root);
    expect(staleExamples(root)).toEqual([]);
    const dir = join(root, 'tests', 'docs-examples');
    writeFileSync(join(dir, 'engine-1.ts'), 'changed\n');
    rmSync(join(dir, 'engine-3.ts'));
    writeFileSync(join(dir, 'old-1.ts'), 'old\n');
    expect(staleExamples(root)).toEqual([
      'docs/engine.md, ts block 1 (line 5): tests/docs-examples/engine-1.ts differs from the page; run node --import tsx scripts/docs-examples.ts',
      'docs/engine.md, ts block 3 (line 14): tests/docs-examples/engine-3.ts is missing; run node --import tsx scripts/docs-examples.ts',
      'tests/docs-examples/old-1.ts matches no ts block of the pages any more; run node --import tsx scripts/docs-examples.ts',
    ]);
    writeExamples(root);
    expect(readdirSync(dir).sort()).toEqual(['engine-1.ts', 'engine-3.ts', 'readme-1.spec.ts']);
  });
});
