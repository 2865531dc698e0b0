// Typed reads of environment variables. Every error names the variable, the value and the fix,
// so a misconfigured service stops before it listens.

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvError extends Error {
  override name = 'EnvError';
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readNumber(
  env: Env,
  name: string,
  fallback: number,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  const { min = -Infinity, max = Infinity, integer = false } = range;
  const kind = integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    const bounds = [min > -Infinity ? `>= ${min}` : '', max < Infinity ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new EnvError(`${name}=${JSON.stringify(text)} is invalid: set it to ${kind}${bounds ? ` ${bounds}` : ''} (default ${fallback}).`);
  }
  return value;
}

export function readInteger(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  return readNumber(env, name, fallback, { ...range, integer: true });
}

export function readChoice<T extends string>(env: Env, name: string, fallback: T, choices: readonly T[]): T {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new EnvError(`${name}=${JSON.stringify(text)} is invalid: use one of ${choices.join(', ')} (default ${fallback}).`);
  }
  return text as T;
}

const TRUE_WORDS = ['true', '1', 'yes'];
const FALSE_WORDS = ['false', '0', 'no'];

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  if (TRUE_WORDS.includes(text.toLowerCase())) return true;
  if (FALSE_WORDS.includes(text.toLowerCase())) return false;
  throw new EnvError(`${name}=${JSON.stringify(text)} is invalid: set it to true or false (default ${fallback}).`);
}

export function readUrl(env: Env, name: string, fallback: string): URL {
  const text = raw(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EnvError(`${name}=${JSON.stringify(text)} is not a URL: set it like ${fallback}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvError(`${name}=${JSON.stringify(text)} must be an http(s) URL, like ${fallback}.`);
  }
  return url;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
