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
 * createHmac costs about 1.9 us per small body here, mostly its per-call object
 * and stream machinery; this computes the same HMAC (RFC 2104:
 * H(K ^ opad || H(K ^ ipad || body))) with two one-shot `crypto.hash` calls over
 * preallocated key pads, about 0.8 us. Unit tests compare it with createHmac.
 */
export class BodySigner {
  /** K ^ ipad. */
  private readonly ipad = Buffer.alloc(BLOCK);
  /** K ^ ipad, then room for exactly the last body length (bodies of one payload vary little). */
  private inner: Buffer;
  /** K ^ opad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);

  constructor(secret: string | Buffer) {
    let key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (key.length > BLOCK) key = createHash('sha256').update(key).digest();
    for (let i = 0; i < BLOCK; i++) {
      const k = key[i] ?? 0;
      this.ipad[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
    this.inner = Buffer.from(this.ipad);
  }

  sign(body: Buffer): string {
    // The whole buffer is hashed: a subarray per request would add about 0.13 us.
    if (this.inner.length !== BLOCK + body.length) {
      this.inner = Buffer.allocUnsafe(BLOCK + body.length);
      this.ipad.copy(this.inner);
    }
    body.copy(this.inner, BLOCK);
    // 'binary' (latin1) output: one byte per char, the cheapest way back into a Buffer.
    this.outer.write(hash('sha256', this.inner, 'binary'), BLOCK, 'latin1');
    return hash('sha256', this.outer, 'hex');
  }
}
