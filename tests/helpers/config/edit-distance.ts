// How far apart two names are, for catching typos in variable names (WEBHOK_URL for WEBHOOK_URL).

/**
 * The optimal string alignment distance (Damerau–Levenshtein without repeated edits of one
 * substring): the fewest insertions, deletions, substitutions and swaps of two adjacent
 * characters that turn `a` into `b`. A swap counts one, as a typist makes it (WEBHOOK_URL and
 * WEBHOOK_ULR are 1 apart, not 2). Case-sensitive; O(|a|·|b|) time, three rows of memory.
 * `max` stops early: once every cell of a row exceeds it, `max + 1` is returned.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0); // row i - 2
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j); // row i - 1
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length]!, max + 1);
}
