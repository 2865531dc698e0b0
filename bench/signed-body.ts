// Equal work for a peer: a unique signed body per request, built and signed the way
// ours does it on its hot path (tests/helpers/engine/payloads.ts encodeFlatPayload and
// signing.ts BodySigner), so the throughput comparison at equal work does not charge the
// peer for slower code than ours runs. Those two are engine internals (the engine's face,
// #engine, exports only flatPayload and signBody), so their technique is repeated here;
// tests/unit/bench/signed-body.test.ts checks the bytes against JSON.stringify(flatPayload)
// and the signature against signBody. Pure apart from the clock in triggered_at.
import { createHash, hash } from 'node:crypto';

const BLOCK = 64; // SHA-256 block size in bytes
const DIGEST = 32;

/** HMAC-SHA256 hex of each body for one secret: two one-shot hashes over preallocated key pads (RFC 2104). */
export class PadSigner {
  private inner: Buffer;
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);

  constructor(secret: string) {
    let key = Buffer.from(secret, 'utf8');
    if (key.length > BLOCK) key = createHash('sha256').update(key).digest();
    this.inner = Buffer.alloc(BLOCK + 512);
    for (let i = 0; i < BLOCK; i++) {
      const k = key[i] ?? 0;
      this.inner[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
  }

  sign(body: Buffer): string {
    const end = BLOCK + body.length;
    if (end > this.inner.length) {
      const grown = Buffer.alloc(Math.max(end, 2 * this.inner.length));
      this.inner.copy(grown, 0, 0, BLOCK);
      this.inner = grown;
    }
    body.copy(this.inner, BLOCK);
    this.outer.write(hash('sha256', this.inner.subarray(0, end), 'binary'), BLOCK, 'latin1');
    return hash('sha256', this.outer, 'hex');
  }
}

let isoMs = Number.NaN;
let isoText = '';
/** toISOString once per millisecond, as the engine does. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

/** The bytes of JSON.stringify(flatPayload(index, ticketId)), from a template. */
export function flatPayloadBytes(index: number, ticketId: number): Buffer {
  return Buffer.from(
    `{"ticket_id":"${ticketId}","event":"ticket_created","triggered_at":"${isoNow()}",` +
      `"ticket_subject":"Load Test Ticket ${ticketId}","ticket_status":2,"ticket_priority":1,` +
      `"requester_email":"loadtest${index}@example.com"}`,
  );
}

/** What autocannon's setupRequest hook receives and returns (the part used here). */
export interface SetupRequestData {
  body?: string | Buffer;
  headers?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * An autocannon `setupRequest` hook giving every request the next ticket id (one counter
 * shared by all connections, from `ticketIdStart`), its flat payload and its signature in
 * `signatureHeader`. `sent()` says how many bodies it built.
 */
export function uniqueSignedRequests(
  secret: string,
  signatureHeader: string,
  ticketIdStart: number,
): { setupRequest: (request: SetupRequestData) => SetupRequestData; sent: () => number } {
  const signer = new PadSigner(secret);
  let index = 0;
  return {
    setupRequest(request) {
      const body = flatPayloadBytes(index, ticketIdStart + index);
      index++;
      request.body = body;
      // autocannon hands each call a fresh copy of the headers, so they can be written to.
      if (request.headers === undefined) request.headers = {};
      request.headers[signatureHeader] = signer.sign(body);
      return request;
    },
    sent: () => index,
  };
}
