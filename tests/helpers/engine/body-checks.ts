// Response-body checks for runLoadTest's `checkBody` option: a 200 that carries
// an HTML error page or broken JSON is then a `bad_body` failure, not a success.

/**
 * Judges the whole body of a response whose status `isSuccess` accepted:
 * null when it is fine, else a short reason for the report.
 */
export type BodyCheck = (body: Buffer, status: number) => string | null;

/** How much of an unparsable body a reason quotes. */
const PREVIEW_CHARS = 60;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The contract's answer: a JSON object (not null, not an array, not a bare value). */
export const jsonObjectBody: BodyCheck = (body) => {
  if (body.length === 0) return 'empty body';
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return 'not valid UTF-8';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `not JSON (${preview(text)})`;
  }
  if (value === null) return 'JSON null, not an object';
  if (Array.isArray(value)) return 'JSON array, not an object';
  if (typeof value !== 'object') return `JSON ${typeof value}, not an object`;
  return null;
};

/** An empty body (e.g. a queueing service's `202 Accepted`). */
export const emptyBody: BodyCheck = (body) =>
  body.length === 0 ? null : `expected an empty body, got ${body.length} bytes (${preview(body.toString('utf8'))})`;

/** The check for SUCCESS_BODY: `json-object`, `empty`, or none for `any`. */
export function bodyCheckFor(rule: 'json-object' | 'any' | 'empty'): BodyCheck | undefined {
  return rule === 'json-object' ? jsonObjectBody : rule === 'empty' ? emptyBody : undefined;
}

/** isSuccess for a list of statuses (SUCCESS_STATUSES). */
export function statusIn(statuses: readonly number[]): (status: number) => boolean {
  const set = new Set(statuses);
  return (status) => set.has(status);
}

/** The first PREVIEW_CHARS characters with whitespace runs collapsed, for a one-line reason. */
function preview(text: string): string {
  // Collapse only a prefix: a large body need not be scanned whole for a 60-character quote.
  const collapsed = text
    .trimStart()
    .slice(0, PREVIEW_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim();
  if (collapsed === '') return 'whitespace only';
  return collapsed.length > PREVIEW_CHARS ? `${collapsed.slice(0, PREVIEW_CHARS)}…` : collapsed;
}
