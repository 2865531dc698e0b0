// Reading a rate limiter's answers.

/** Retry-After in seconds (delta-seconds or an HTTP date, RFC 9110 §10.2.3), or NaN when unreadable. */
export function retryAfterSeconds(value: string, nowMs = Date.now()): number {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // Every HTTP-date form starts with a day name; Date.parse alone would take "-1" as a year.
  const date = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? Number.NaN : Math.max(0, (date - nowMs) / 1000);
}
