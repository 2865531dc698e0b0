// A user's copy of custom.spec.ts with knobs of its own (MY_REQUESTS, ...) breaks no check of
// the suite: the checks that read the spec files (the typo check's declared names, the
// reference's --check, the .env.test check) pass with the copy in tests/performance, and a
// near miss of the copy's knob is still named as a typo. The copy lives for the length of the test.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/docs-settings.ts';
import { envTestProblems, parseSpecKnobs } from '../../helpers/config/docs.ts';
import { configVariables, loadConfig } from '../../helpers/config/settings.ts';
import { specDeclaredNames } from '../../helpers/config/typos.ts';

const PERFORMANCE = join(ROOT, 'tests', 'performance');

function specFiles(): string[] {
  return readdirSync(PERFORMANCE)
    .filter((name) => name.endsWith('.spec.ts'))
    .map((name) => join(PERFORMANCE, name));
}

describe('a copy of custom.spec.ts with renamed knobs', () => {
  it('passes the checks that read the spec files, and its knobs are typo-checked', () => {
    const template = readFileSync(join(PERFORMANCE, 'custom.spec.ts'), 'utf8');
    const copy = template.replaceAll('CUSTOM_REQUESTS_PER_SECOND', 'MY_REQUESTS_PER_SECOND').replaceAll('CUSTOM_REQUESTS', 'MY_REQUESTS');
    expect(copy).not.toContain('CUSTOM_');
    const file = join(PERFORMANCE, `${process.pid}-settings-copy.spec.ts`);
    writeFileSync(file, copy);
    try {
      // The typo check's declared names (what the global setup passes loadConfig) include the copy's.
      const declared = specDeclaredNames(specFiles());
      expect(declared).toEqual(expect.arrayContaining(['MY_REQUESTS', 'MY_REQUESTS_PER_SECOND', 'CUSTOM_REQUESTS']));
      expect(parseSpecKnobs(copy, 'copy').map((knob) => knob.name)).toEqual(['MY_REQUESTS', 'MY_REQUESTS_PER_SECOND']);

      // The reference's check, as `npm run docs:settings -- --check` runs it: the copy is the user's, not a built-in spec.
      const check = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/docs-settings.ts', '--check'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);

      // The .env.test check: a spec's knobs need not be there.
      const envTest = readFileSync(join(ROOT, '.env.test'), 'utf8');
      expect(envTestProblems(Object.keys(dotenv.parse(envTest)), configVariables(), declared)).toEqual([]);

      // The copy's knob set is read on purpose; a near miss of it is a typo, named.
      const warnings: string[] = [];
      loadConfig(ROOT, { MY_REQUESTS: '5', MY_REQUEST: '5' }, { declared, warn: (message) => warnings.push(message) });
      expect(warnings).toEqual([
        expect.stringMatching(/^MY_REQUEST \(environment\) is not a setting of the suite .*did you mean MY_REQUESTS\?/),
      ]);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
