// Equal work for autocannon: the bodies and signatures its setupRequest hook sends are the
// ones ours sends (the flat payload, HMAC-SHA256 hex in the engine's default header); the
// engine's own tests check encodeFlatPayload and BodySigner against flatPayload and signBody.
import { describe, expect, it } from 'vitest';
import { LOAD_TEST_DEFAULTS, signBody } from '#engine';
import { uniqueSignedRequests } from '../../../bench/signed-body.ts';

describe('bench signed bodies', () => {
  it('setupRequest gives every request the next ticket id, its body and its signature', () => {
    const hook = uniqueSignedRequests('s3cret', LOAD_TEST_DEFAULTS.signatureHeader, 500);
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const request = hook.setupRequest({ method: 'POST', headers: { 'content-type': 'application/json' } });
      const body = request.body as Buffer;
      const parsed = JSON.parse(body.toString()) as { ticket_id: string; requester_email: string };
      expect(parsed.ticket_id).toBe(String(500 + i));
      expect(parsed.requester_email).toBe(`loadtest${i}@example.com`);
      expect(request.headers?.['X-Freshdesk-Signature']).toBe(signBody('s3cret', body));
      expect(request.headers?.['content-type']).toBe('application/json');
      bodies.add(body.toString());
    }
    expect(bodies.size).toBe(3);
    expect(hook.sent()).toBe(3);
  });
});
