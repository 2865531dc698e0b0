// Variables the spec files declare themselves (setting(), or specSettings' env.count and the
// like), found in their source: the suite's own checks read them the same way (specDeclaredNames).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { specDeclaredNames } from '../helpers/config/index.ts';

const PERFORMANCE = resolve(import.meta.dirname, '..', 'performance');

export function specDeclaredVariables(dir = PERFORMANCE): string[] {
  return specDeclaredNames(
    readdirSync(dir)
      .filter((name) => name.endsWith('.spec.ts'))
      .map((name) => join(dir, name)),
  );
}
