// Webhook signatures: lowercase hex HMAC-SHA256 of the exact body bytes.
import { createHash, createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto';

/** A reusable HMAC key; cheaper than passing the secret string on every request. */
export function createSigningKey(secret: string | Buffer): KeyObject {
  return createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
}

/** Hex HMAC-SHA256 of `body` (a string is signed as its UTF-8 bytes). */
export function signBody(secret: string | Buffer | KeyObject, body: string | Buffer): string {
  const key = typeof secret === 'string' || Buffer.isBuffer(secret) ? createSigningKey(secret) : secret;
  return createHmac('sha256', key).update(body).digest('hex');
}

const BLOCK = 64; // SHA-256 block size in bytes
const DIGEST = 32;

/**
 * signBody for one secret and many bodies, on the load generator's hot path.
 * createHmac costs about 1.4 us per small body here, mostly its per-call object
 * and stream machinery; this computes the same HMAC (RFC 2104:
 * H(K ^ opad || H(K ^ ipad || body))) with two one-shot `crypto.hash` calls over
 * preallocated key pads, about 0.6 us. Unit tests compare it with createHmac.
 */
export class BodySigner {
  /** K ^ ipad, then room for the body (grown on demand). */
  private inner: Buffer;
  /** K ^ opad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);

  constructor(secret: string | Buffer) {
    let key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
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
    // 'binary' (latin1) output: one byte per char, the cheapest way back into a Buffer.
    this.outer.write(hash('sha256', this.inner.subarray(0, end), 'binary'), BLOCK, 'latin1');
    return hash('sha256', this.outer, 'hex');
  }
}
