// A spec's own knobs, one call each: `setting('MY_REQUESTS', 30, 'count')`. Read
// from the environment and the .env files like the suite's settings, validated
// when the spec file loads (a bad value fails the spec before any traffic, naming
// the variable), and known to the typo check (the global setup finds every
// `setting('NAME'` in the spec files).
import { specSettings, type SettingsReader } from './settings.ts';

/** The bounds of a number setting; `integer` refuses fractions. */
export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** Upper bound of a number setting that names none. */
const MAX_NUMBER = 1_000_000_000;

/** How `setting` reads one value; its type follows the fallback's. */
function read(
  env: SettingsReader,
  name: string,
  fallback: number | boolean | string,
  rule?: 'count' | NumberRule | readonly string[],
): number | boolean | string {
  if (typeof fallback === 'boolean') return env.bool(name, fallback);
  if (typeof fallback === 'string') {
    if (!Array.isArray(rule))
      throw new Error(
        `setting('${name}'): a text setting needs its allowed values, e.g. setting('${name}', '${fallback}', ['${fallback}', ...])`,
      );
    return env.choice(name, rule as readonly string[], fallback);
  }
  if (rule === 'count') return env.count(name, fallback);
  const { min = 0, max = MAX_NUMBER, integer = false } = (typeof rule === 'object' && !Array.isArray(rule) ? rule : {}) as NumberRule;
  return integer ? env.int(name, fallback, min, max) : env.number(name, fallback, min, max);
}

/** The values this process's spec file read with setting(), by name: its report records them. */
const valuesRead = new Map<string, unknown>();

/**
 * One setting of a spec file, read when the file loads:
 * - `setting('MY_REQUESTS', 30, 'count')`: a request count (a whole number >= 1), multiplied by PERF_SCALE;
 * - `setting('MY_RATE', 2)` or `setting('MY_RATE', 2, { min: 0.1, max: 100 })`: a number (by default >= 0);
 * - `setting('MY_STRICT', false)`: true or false;
 * - `setting('MY_MODE', 'fast', ['fast', 'slow'])`: one of the values.
 */
export function setting(name: string, fallback: number, rule?: 'count' | NumberRule): number;
export function setting(name: string, fallback: boolean): boolean;
export function setting<T extends string>(name: string, fallback: T, values: readonly T[]): T;
export function setting(name: string, fallback: number | boolean | string, rule?: 'count' | NumberRule | readonly string[]): unknown {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) {
    throw new Error(`setting(${JSON.stringify(name)}): a setting's name is an environment variable in capitals, e.g. MY_REQUESTS`);
  }
  const value = specSettings((env) => read(env, name, fallback, rule));
  valuesRead.set(name, value);
  return value;
}

/** The spec's own settings as it read them (setting()), for its report. */
export function settingsRead(): Record<string, unknown> {
  return Object.fromEntries(valuesRead);
}
