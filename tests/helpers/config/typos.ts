// Variables that look like the suite's settings but are not one (WEBHOK_URL, PERF_SCAEL):
// a typo the suite would otherwise ignore in silence. A near miss of a setting that chooses
// the target is an error, so a mistyped staging URL never turns into a run against another
// service; any other is a warning naming the setting meant.
import { existsSync, readFileSync } from 'node:fs';
import { editDistance } from './edit-distance.ts';

/** The settings that decide which service the suite loads: a typo of one of them stops the run. */
export const TARGET_SETTINGS = ['WEBHOOK_URL', 'WEBHOOK_STACK', 'WEBHOOK_HEALTH_URL', 'WEBHOOK_METRICS_URL'] as const;

/** A variable is a typo when it is this close (edits) to a setting's name. */
export const MAX_TYPO_DISTANCE = 2;

export interface SeenVariable {
  name: string;
  value: string;
  /** Where it was set: `environment`, `.env` or `.env.test`. */
  source: string;
}

export interface TypoFinding {
  name: string;
  source: string;
  /** The setting it most likely means. */
  nearest: string;
  distance: number;
  /** An error stops the run before any traffic; a warning is printed. */
  level: 'error' | 'warning';
  message: string;
}

/**
 * The prefixes that mark a variable as meant for the suite, derived from the settings' names:
 * each name's first word with its underscore (WEBHOOK_, PERF_, TARGET_, REQUIRE_, ...), except
 * that a two-word name whose first word no other setting shares counts whole (RATE_LIMIT, so
 * that RATE_ alone is not claimed).
 */
export function settingPrefixes(settings: readonly string[]): string[] {
  const words = settings.map((name) => name.split('_').filter(Boolean));
  const firstWordCount = new Map<string, number>();
  for (const [first] of words) if (first) firstWordCount.set(first, (firstWordCount.get(first) ?? 0) + 1);
  const prefixes = new Set<string>();
  for (const [i, parts] of words.entries()) {
    const first = parts[0];
    if (first === undefined) continue;
    if (parts.length === 1) prefixes.add(settings[i]!);
    else if (parts.length === 2 && firstWordCount.get(first) === 1) prefixes.add(settings[i]!);
    else prefixes.add(`${first}_`);
  }
  return [...prefixes].sort();
}

/** The setting nearest to `name` (case-insensitive); ties go to a target setting, the safer reading. */
function nearestSetting(name: string, settings: readonly string[]): { setting: string; distance: number } | undefined {
  const upper = name.toUpperCase();
  let best: { setting: string; distance: number } | undefined;
  for (const setting of settings) {
    const distance = editDistance(upper, setting, best?.distance ?? Infinity);
    const better =
      best === undefined ||
      distance < best.distance ||
      (distance === best.distance && isTargetSetting(setting) && !isTargetSetting(best.setting));
    if (better) best = { setting, distance };
  }
  return best;
}

function isTargetSetting(name: string): boolean {
  return (TARGET_SETTINGS as readonly string[]).includes(name);
}

/**
 * Every variable among `seen` that is not a known name but is within MAX_TYPO_DISTANCE of a
 * setting (case-insensitively, so webhook_url counts), or carries one of the settings' prefixes.
 * `known` are names that are not the suite's settings but are read on purpose: a spec file's own
 * (specSettings), the compose files' interpolations, retired names with their own message.
 * Pure: nothing is read from the environment or the disk.
 */
export function findTypos(seen: readonly SeenVariable[], settings: readonly string[], known: readonly string[] = []): TypoFinding[] {
  const exact = new Set([...settings, ...known]);
  const prefixes = settingPrefixes(settings);
  const findings: TypoFinding[] = [];
  const reported = new Set<string>();
  for (const { name, value, source } of seen) {
    if (exact.has(name) || reported.has(name)) continue;
    let nearest = nearestSetting(name, settings);
    if (nearest === undefined) continue;
    const close = nearest.distance <= MAX_TYPO_DISTANCE;
    const url = /^https?:\/\//i.test(value.trim());
    if (!close) {
      // Not a near miss: a variable of the suite's families only, compared with its family (BURST_SIZE with BURST_*),
      // and a URL with the family's settings that choose the target (WEBHOOK_ENDPOINT=https://... with WEBHOOK_URL, ...).
      const prefix = prefixes.filter((p) => name.startsWith(p)).sort((a, b) => b.length - a.length)[0];
      if (prefix === undefined) continue;
      const family = settings.filter((setting) => setting.startsWith(prefix));
      const targets = family.filter(isTargetSetting);
      nearest = nearestSetting(name, url && targets.length > 0 ? targets : family) ?? nearest;
    }
    reported.add(name);
    const set = value.trim() !== '';
    const target = isTargetSetting(nearest.setting);
    // A near miss of a target setting, or a URL in a variable of the target's family.
    const error = target && set && (close || url);
    const where = `${name} (${source})`;
    const why =
      nearest.distance === 0
        ? `did you mean ${nearest.setting}? (names are case-sensitive)`
        : close
          ? `did you mean ${nearest.setting}?`
          : `the nearest setting is ${nearest.setting}`;
    const message = error
      ? `${where} is not a setting of the suite: ${why} ${nearest.setting} chooses the service under test, so the run stops ` +
        `rather than load another one. Rename it to ${nearest.setting} (or remove it); settings are listed in .env.test`
      : `${where} is not a setting of the suite and has no effect: ${why} (settings are listed in .env.test; ` +
        `a spec file's own variables are declared with setting())`;
    findings.push({ name, source, nearest: nearest.setting, distance: nearest.distance, level: error ? 'error' : 'warning', message });
  }
  return findings;
}

/** The variables a spec file declares (`setting('NAME', ...)`, or specSettings' `env.count('NAME', ...)` and the like), from its source. */
export function specDeclaredNames(files: readonly string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    const source = readFileSync(file, 'utf8');
    const declarations = /\b(?:setting|env\.(?:count|int|number|bool|choice))\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g;
    for (const match of source.matchAll(declarations)) names.add(match[1]!);
  }
  return [...names].sort();
}

/** The variables compose files interpolate (`${WEBHOOK_PORT:-8801}`): read by docker compose, not typos. */
export function composeInterpolations(files: readonly string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  }
  return [...names].sort();
}
