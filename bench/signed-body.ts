// Equal work for a peer: a unique signed body per request, built and signed with the very
// code ours runs on its hot path (the engine's encodeFlatPayload and BodySigner), so the
// throughput comparison at equal work charges the peer for exactly the same work.
import { BodySigner, encodeFlatPayload } from '#engine';

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
  const signer = new BodySigner(secret);
  let index = 0;
  return {
    setupRequest(request) {
      const body = encodeFlatPayload(index, ticketIdStart + index);
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
