import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeFlatPayload, encodePayload, flatPayload, wrappedPayload } from '../../helpers/engine/payloads.ts';

describe('payloads', () => {
  it('builds the contract flat shape with the ticket id as a string', () => {
    const p = flatPayload(3, 10003);
    expect(Object.keys(p).sort()).toEqual([
      'event',
      'requester_email',
      'ticket_id',
      'ticket_priority',
      'ticket_status',
      'ticket_subject',
      'triggered_at',
    ]);
    expect(p).toMatchObject({
      ticket_id: '10003',
      event: 'ticket_created',
      ticket_subject: 'Load Test Ticket 10003',
      ticket_status: 2,
      ticket_priority: 1,
      requester_email: 'loadtest3@example.com',
    });
    expect(new Date(p.triggered_at).toISOString()).toBe(p.triggered_at);
  });

  describe('encodeFlatPayload (the default payload on the hot path)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gives the same bytes as JSON.stringify(flatPayload) at the same instant', () => {
      vi.useFakeTimers({ now: Date.parse('2031-02-03T04:05:06.789Z') });
      for (const [index, ticketId] of [
        [0, 1000],
        [7, 1],
        [123_456, 9_007_199_254_740_991],
      ] as const) {
        expect(encodeFlatPayload(index, ticketId).toString('utf8')).toBe(JSON.stringify(flatPayload(index, ticketId)));
      }
      expect(JSON.parse(encodeFlatPayload(0, 1000).toString('utf8')).triggered_at).toBe('2031-02-03T04:05:06.789Z');
    });

    it('gives the same bytes as JSON.stringify(flatPayload) for every digit count of ids and indices', () => {
      vi.useFakeTimers({ now: Date.parse('2031-02-03T04:05:06.789Z') });
      const numbers = [0, 1, 9, 10, 99, 100, 12_345, 999_999, 1_000_000, 2 ** 31, 2 ** 32 + 5, 10 ** 15, Number.MAX_SAFE_INTEGER];
      for (let k = 1; k < 16; k++) numbers.push(10 ** k - 1, 10 ** k, 7 * 10 ** k + 3);
      let random = 12_345;
      for (let i = 0; i < 500; i++) {
        random = (random * 1_103_515_245 + 12_345) % 2 ** 31;
        numbers.push(random, Math.floor(random / (1 + (i % 1000))), random * 4096 + i);
      }
      for (const [i, ticketId] of numbers.entries()) {
        const index = numbers[(i * 7) % numbers.length] as number;
        expect(encodeFlatPayload(index, ticketId).toString('latin1'), `index ${index}, ticket ${ticketId}`).toBe(
          JSON.stringify(flatPayload(index, ticketId)),
        );
      }
    });

    it('falls back to the generic text for numbers without a plain digit form (negative, fractional, unsafe)', () => {
      vi.useFakeTimers({ now: Date.parse('2031-02-03T04:05:06.789Z') });
      for (const [index, ticketId] of [
        [-1, 5],
        [3, -2],
        [1.5, 7],
        [2, 2 ** 60],
      ] as const) {
        expect(encodeFlatPayload(index, ticketId).toString('utf8')).toBe(JSON.stringify(flatPayload(index, ticketId)));
      }
    });

    it('follows the clock: triggered_at changes when the millisecond does', () => {
      vi.useFakeTimers({ now: Date.parse('2031-02-03T04:05:06.789Z') });
      const first = JSON.parse(encodeFlatPayload(0, 1000).toString('utf8')).triggered_at;
      vi.setSystemTime(Date.parse('2031-02-03T04:05:06.790Z'));
      const second = JSON.parse(encodeFlatPayload(1, 1001).toString('utf8')).triggered_at;
      expect([first, second]).toEqual(['2031-02-03T04:05:06.789Z', '2031-02-03T04:05:06.790Z']);
    });
  });

  it('builds Freshdesk wrapped shape without event and triggered_at', () => {
    const p = wrappedPayload(0, 1228307);
    expect(Object.keys(p)).toEqual(['freshdesk_webhook']);
    expect(p.freshdesk_webhook.ticket_id).toBe(1228307);
    expect(p.freshdesk_webhook).not.toHaveProperty('event');
    expect(p.freshdesk_webhook).not.toHaveProperty('triggered_at');
    expect(p.freshdesk_webhook.ticket_status).toBe('Open');
  });

  it('encodes objects as JSON and passes strings and bytes through', () => {
    expect(encodePayload({ a: 'é' }).toString('utf8')).toBe('{"a":"é"}');
    expect(encodePayload('raw body').toString('utf8')).toBe('raw body');
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    expect([...encodePayload(bytes)]).toEqual([2, 3]);
  });
});
