// node --import tsx scripts/docs-examples.ts [--check]
// Extracts every ```ts code block of README.md and docs/*.md into tests/docs-examples/, so that
// tsc, ESLint and Prettier (npm test) check the documentation's examples like any other file.
// A block that is a whole spec (it imports '../helpers/index.ts' and calls perfTest) becomes
// `<page>-<n>.spec.ts`, any other block `<page>-<n>.ts`; '../helpers/index.ts' resolves from
// tests/docs-examples as it does from tests/performance. No Vitest project includes that folder,
// so the extracted specs are never run as tests. A block marked ```ts skip-check is left out
// (kept for the few fragments that cannot compile alone). Run it after editing a page;
// tests/unit/docs/doc-blocks.test.ts fails while the committed files differ from the pages.
// --check writes nothing and exits 1 when they differ.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file is scripts/docs-examples.ts). */
export const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
/** Where the extracted examples go, relative to the root. */
export const EXAMPLES_DIR = 'tests/docs-examples';
export const COMMAND = 'node --import tsx scripts/docs-examples.ts';

/** One fenced code block of a page. */
export interface CodeBlock {
  /** The page, relative to the root: README.md or docs/<name>.md. */
  page: string;
  /** The info string's first word (`ts`, `bash`, `text`, ...), '' when none. */
  lang: string;
  /** The info string's other words (`skip-check`). */
  flags: string[];
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's text, its fence's indentation removed, ending with a newline. */
  code: string;
}

/** One extracted example: the file it is written to and the block it comes from. */
export interface Example {
  /** File name inside EXAMPLES_DIR. */
  file: string;
  content: string;
  block: CodeBlock;
  /** Which ts block of its page this is (1-based, skipped ones counted). */
  index: number;
}

const TS_LANGS = new Set(['ts', 'typescript']);
export const SKIP_FLAG = 'skip-check';

/** README.md, then docs/*.md by name. */
export function docPages(root = ROOT): string[] {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')) : [];
  return ['README.md', ...docs.sort().map((f) => `docs/${f}`)];
}

/** The fenced code blocks of a Markdown page (``` or ~~~ fences, indented ones in list items too). */
export function codeBlocks(page: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const [lang = '', ...flags] = info.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^( *)(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[2]![0] === fence[0] && close[2]!.length >= fence.length) break;
      const text = lines[j]!;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    blocks.push({ page, lang: lang.toLowerCase(), flags, line: i + 1, code: body.length === 0 ? '' : `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

/** The name a page's examples are filed under: `readme`, or the doc's file name without `.md`. */
export function pageId(page: string): string {
  return page === 'README.md' ? 'readme' : basename(page, '.md');
}

/** Whether a block is a whole spec: it imports the library's face and declares a perfTest. */
export function isWholeSpec(code: string): boolean {
  return /from\s+['"]\.\.\/helpers\/index\.ts['"]/.test(code) && /\bperfTest\s*\(/.test(code);
}

/** The examples the pages hold, as the files they are extracted to. */
export function extractExamples(root = ROOT): Example[] {
  const examples: Example[] = [];
  for (const page of docPages(root)) {
    const blocks = codeBlocks(page, readFileSync(join(root, page), 'utf8')).filter((b) => TS_LANGS.has(b.lang));
    blocks.forEach((block, i) => {
      if (block.flags.includes(SKIP_FLAG)) return;
      const index = i + 1;
      const file = `${pageId(page)}-${index}${isWholeSpec(block.code) ? '.spec.ts' : '.ts'}`;
      const header =
        `// Extracted from ${page} (ts block ${index}) by scripts/docs-examples.ts.\n` +
        `// Do not edit: edit the page, then run \`${COMMAND}\`.\n`;
      examples.push({ file, content: header + block.code, block, index });
    });
  }
  return examples;
}

/** The files now in EXAMPLES_DIR, by name. */
export function committedExamples(root = ROOT): Map<string, string> {
  const dir = join(root, EXAMPLES_DIR);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ts')) : [];
  return new Map(files.sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** What differs between the pages' examples and the files in EXAMPLES_DIR, one sentence each. */
export function staleExamples(root = ROOT): string[] {
  const committed = committedExamples(root);
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const example of extractExamples(root)) {
    expected.add(example.file);
    const where = `${example.block.page}, ts block ${example.index} (line ${example.block.line})`;
    const have = committed.get(example.file);
    if (have === undefined) problems.push(`${where}: ${EXAMPLES_DIR}/${example.file} is missing; run ${COMMAND}`);
    else if (have !== example.content) problems.push(`${where}: ${EXAMPLES_DIR}/${example.file} differs from the page; run ${COMMAND}`);
  }
  for (const file of committed.keys()) {
    if (!expected.has(file)) problems.push(`${EXAMPLES_DIR}/${file} matches no ts block of the pages any more; run ${COMMAND}`);
  }
  return problems;
}

/** Writes the examples, removing files no block produces; returns what it wrote. */
export function writeExamples(root = ROOT): Example[] {
  const dir = join(root, EXAMPLES_DIR);
  mkdirSync(dir, { recursive: true });
  const examples = extractExamples(root);
  const keep = new Set(examples.map((e) => e.file));
  for (const file of committedExamples(root).keys()) if (!keep.has(file)) rmSync(join(dir, file));
  for (const example of examples) writeFileSync(join(dir, example.file), example.content);
  return examples;
}

/** One simple command of a shell block: its leading `NAME=value` assignments and its words. */
export interface ShellCommand {
  assignments: { name: string; value: string }[];
  words: string[];
  /** 1-based line within the block where the command starts. */
  line: number;
}

/**
 * The simple commands of a shell block, as the shell would split them: quotes ('...', "...")
 * and backslashes kept inside one word, `\` line continuations joined, `# comments` dropped, and
 * commands separated by newlines, `;`, `&&`, `||` and `|`. `export NAME=value` counts as an
 * assignment. Expansions are left as written (`"$(...)"` is one word).
 */
export function shellCommands(code: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | null = null;
  let line = 1;
  let start = 1;
  const endWord = (): void => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(toCommand(words, start));
    words = [];
  };
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (words.length === 0 && word === null) start = line;
    if (c === '\\' && code[i + 1] === '\n') {
      i++;
      line++;
    } else if (c === '\\') {
      word = (word ?? '') + (code[i + 1] ?? '');
      i++;
    } else if (c === "'" || c === '"') {
      const end = code.indexOf(c, i + 1);
      const quoted = end === -1 ? code.slice(i + 1) : code.slice(i + 1, end);
      word = (word ?? '') + quoted;
      line += quoted.split('\n').length - 1;
      i = end === -1 ? code.length : end;
    } else if (c === '#' && word === null) {
      while (i + 1 < code.length && code[i + 1] !== '\n') i++;
    } else if (c === '\n') {
      endCommand();
      line++;
    } else if (c === ';' || c === '|' || (c === '&' && code[i + 1] === '&')) {
      if (code[i + 1] === c) i++;
      endCommand();
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else {
      word = (word ?? '') + c;
    }
  }
  endCommand();
  return commands;
}

function toCommand(words: string[], line: number): ShellCommand {
  const rest = words[0] === 'export' ? words.slice(1) : words;
  const assignments: { name: string; value: string }[] = [];
  let i = 0;
  for (; i < rest.length; i++) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(rest[i]!);
    if (!match) break;
    assignments.push({ name: match[1]!, value: match[2]! });
  }
  return { assignments, words: rest.slice(i), line };
}

function main(): void {
  if (process.argv.includes('--check')) {
    const problems = staleExamples();
    for (const problem of problems) console.error(`docs-examples: ${problem}`);
    if (problems.length > 0) process.exit(1);
    console.log(`docs-examples: ${EXAMPLES_DIR} matches the pages`);
    return;
  }
  const examples = writeExamples();
  const pages = new Set(examples.map((e) => e.block.page)).size;
  console.log(`docs-examples: wrote ${examples.length} files to ${EXAMPLES_DIR} from ${pages} pages`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
