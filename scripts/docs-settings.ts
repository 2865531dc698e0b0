// npm run docs:settings [-- --check]
// Writes the configuration reference's tables into docs/configuration.md, between
// `<!-- settings:begin -->` and `<!-- settings:end -->`, from the one declaration of each
// setting: the suite's (tests/helpers/config/settings.ts: name, default, what it accepts, its
// description) and the built-in specs' own knobs (their setting() calls, with the `//` comment
// beside or above each). Run it after changing a setting; tests/unit/config/docs.test.ts fails
// while the page differs. --check writes nothing and exits 1 when the page is out of date.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BUILT_IN_SPECS,
  configVariables,
  DOCS_SETTINGS_COMMAND,
  parseSpecKnobs,
  settingsBlock,
  withSettingsBlock,
  type SpecKnob,
} from '../tests/helpers/config/index.ts';

/** The repository root (this file is scripts/docs-settings.ts). */
export const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
export const CONFIGURATION_DOC = 'docs/configuration.md';

/** The built-in specs' knobs, in the specs' order, from their files under `root`. */
export function builtInSpecKnobs(root = ROOT): SpecKnob[] {
  return BUILT_IN_SPECS.flatMap((spec) => {
    const file = join(root, 'tests', 'performance', `${spec}.spec.ts`);
    return existsSync(file) ? parseSpecKnobs(readFileSync(file, 'utf8'), spec) : [];
  });
}

/** The page as it is (undefined when missing) and as the declarations would write it. */
export function configurationDoc(root = ROOT): { path: string; current: string | undefined; expected: string } {
  const path = join(root, CONFIGURATION_DOC);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  return { path, current, expected: withSettingsBlock(current, settingsBlock(configVariables(), builtInSpecKnobs(root))) };
}

/** The check's verdict: undefined when the page is up to date, else what to do. */
export function staleMessage(root = ROOT): string | undefined {
  const { current, expected } = configurationDoc(root);
  if (current === expected) return undefined;
  return `${CONFIGURATION_DOC} is not what the settings' declarations say: run \`${DOCS_SETTINGS_COMMAND}\` and commit the page`;
}

function main(args: readonly string[]): number {
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(`docs:settings: unknown argument ${unknown.join(' ')} (usage: ${DOCS_SETTINGS_COMMAND} [-- --check])`);
    return 2;
  }
  if (args.includes('--check')) {
    const stale = staleMessage();
    if (stale === undefined) {
      console.log(`${CONFIGURATION_DOC}: up to date`);
      return 0;
    }
    console.error(stale);
    return 1;
  }
  const { path, current, expected } = configurationDoc();
  if (current === expected) {
    console.log(`${CONFIGURATION_DOC}: up to date`);
    return 0;
  }
  writeFileSync(path, expected);
  console.log(`${CONFIGURATION_DOC}: settings tables written`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
