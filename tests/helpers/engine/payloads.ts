// Request bodies. Each request gets a unique ticket id so the service's
// duplicate detection (same event, same ticket, 60 s) never swallows one.

/**
 * Builds the body of request `index` (0-based) for `ticketId` (ticketIdStart + index).
 * An object is sent as JSON; a string or bytes are sent as they are.
 */
export type PayloadFactory = (index: number, ticketId: number) => object | string | Uint8Array;

/** The contract's flat shape, as the original load tests sent it. */
export interface FlatPayload {
  ticket_id: string;
  event: 'ticket_created';
  triggered_at: string;
  ticket_subject: string;
  ticket_status: number;
  ticket_priority: number;
  requester_email: string;
}

export function flatPayload(index: number, ticketId: number): FlatPayload {
  return {
    ticket_id: String(ticketId),
    event: 'ticket_created',
    triggered_at: new Date().toISOString(),
    ticket_subject: `Load Test Ticket ${ticketId}`,
    ticket_status: 2,
    ticket_priority: 1,
    requester_email: `loadtest${index}@example.com`,
  };
}

/**
 * The bytes of `JSON.stringify(flatPayload(index, ticketId))`, built without the
 * object, the generic serialiser or a string (about 0.2 us instead of 1.3 us): the
 * engine's default payload, on the hot path. Every field but the two numbers is plain
 * ASCII with nothing to escape, so a byte template per digit count, with the digits and
 * the time written in, gives the same bytes; a unit test keeps the two in step.
 */
export function encodeFlatPayload(index: number, ticketId: number): Buffer {
  const iso = isoBytesNow();
  if (!isDigitable(index) || !isDigitable(ticketId) || iso.length !== ISO_LENGTH) return Buffer.from(flatText(index, ticketId), 'utf8');
  const idDigits = digitCount(ticketId);
  const indexDigits = digitCount(index);
  const template = flatTemplate(idDigits, indexDigits);
  const body = Buffer.allocUnsafe(template.length);
  body.set(template);
  let at = FLAT_PARTS[0].length;
  writeDigits(body, (at += idDigits), ticketId);
  body.set(iso, (at += FLAT_PARTS[1].length));
  at += ISO_LENGTH + FLAT_PARTS[2].length;
  writeDigits(body, (at += idDigits), ticketId);
  writeDigits(body, at + FLAT_PARTS[3].length + indexDigits, index);
  return body;
}

function flatText(index: number, ticketId: number): string {
  return (
    `{"ticket_id":"${ticketId}","event":"ticket_created","triggered_at":"${isoNow()}",` +
    `"ticket_subject":"Load Test Ticket ${ticketId}","ticket_status":2,"ticket_priority":1,` +
    `"requester_email":"loadtest${index}@example.com"}`
  );
}

/** The flat body's fixed bytes, around (in order) ticket id, time, ticket id, index. */
const FLAT_PARTS = [
  '{"ticket_id":"',
  '","event":"ticket_created","triggered_at":"',
  '","ticket_subject":"Load Test Ticket ',
  '","ticket_status":2,"ticket_priority":1,"requester_email":"loadtest',
  '@example.com"}',
].map((part) => Buffer.from(part, 'latin1')) as [Buffer, Buffer, Buffer, Buffer, Buffer];
const ISO_LENGTH = 24; // 2031-02-03T04:05:06.789Z
/** Templates by ticket id digits * 32 + index digits (at most 16 each for safe integers). */
const flatTemplates = new Map<number, Buffer>();

function flatTemplate(idDigits: number, indexDigits: number): Buffer {
  const key = idDigits * 32 + indexDigits;
  let template = flatTemplates.get(key);
  if (template === undefined) {
    const [p0, p1, p2, p3, p4] = FLAT_PARTS;
    const id = Buffer.alloc(idDigits);
    template = Buffer.concat([p0, id, p1, Buffer.alloc(ISO_LENGTH), p2, id, p3, Buffer.alloc(indexDigits), p4]);
    flatTemplates.set(key, template);
  }
  return template;
}

/** A non-negative safe integer, whose decimal digits writeDigits can compute exactly. */
function isDigitable(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function digitCount(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Writes the decimal digits of `n` so that the last one lands just before `end`. */
function writeDigits(target: Buffer, end: number, n: number): void {
  do {
    const rest = Math.floor(n / 10);
    target[--end] = 48 + (n - rest * 10);
    n = rest;
  } while (n > 0);
}

// toISOString costs about 0.5 us and has millisecond resolution: format once per millisecond.
let isoMs = Number.NaN;
let isoText = '';
let isoBytes = Buffer.alloc(ISO_LENGTH);
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
    isoBytes = Buffer.from(isoText, 'latin1');
  }
  return isoText;
}

/** isoNow's bytes (ISO_LENGTH of them in the years 0000 to 9999). */
function isoBytesNow(): Buffer {
  isoNow();
  return isoBytes;
}

/** Freshdesk's own shape (`event` and `triggered_at` absent, numeric ticket id). */
export interface WrappedPayload {
  freshdesk_webhook: {
    ticket_id: number;
    ticket_subject: string;
    ticket_description: string;
    ticket_url: string;
    ticket_portal_url: string;
    ticket_status: string;
    ticket_priority: string;
    ticket_contact_name: string;
    ticket_contact_email: string;
  };
}

export function wrappedPayload(index: number, ticketId: number): WrappedPayload {
  return {
    freshdesk_webhook: {
      ticket_id: ticketId,
      ticket_subject: `Load Test Ticket ${ticketId}`,
      ticket_description: `<div>Load test request ${index}</div>`,
      ticket_url: `https://support.example.com/a/tickets/${ticketId}`,
      ticket_portal_url: `https://support.example.com/support/tickets/${ticketId}`,
      ticket_status: 'Open',
      ticket_priority: 'Low',
      ticket_contact_name: `Load Tester ${index}`,
      ticket_contact_email: `loadtest${index}@example.com`,
    },
  };
}

/** The bytes to send for a factory result. */
export function encodePayload(payload: object | string | Uint8Array): Buffer {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.from(JSON.stringify(payload), 'utf8');
}
