// Variables the spec files declare themselves (specSettings), found in their source: the
// .env.test checks count them as documented settings beside the suite's own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PERFORMANCE = resolve(import.meta.dirname, '..', 'performance');

export function specDeclaredVariables(dir = PERFORMANCE): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.spec.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(/\benv\.(?:count|int|number|bool|choice)\(\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(match[1]!);
  }
  return [...names].sort();
}
