// The two payload shapes of the contract, their JSON schema, and the normalised ticket event.
//   flat:    {"ticket_id": "1000", "event": "ticket_created", "triggered_at": "...", ...}
//   wrapped: {"freshdesk_webhook": {"ticket_id": 1228307, ...}}  (event and time default)

const ticketIdSchema = {
  anyOf: [
    { type: 'string', pattern: '^[0-9]{1,20}$' },
    { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  ],
} as const;

const commonProperties = {
  event: { type: 'string', minLength: 1, maxLength: 100 },
  triggered_at: { type: 'string', maxLength: 100 },
} as const;

export const ticketEventBodySchema = {
  type: 'object',
  anyOf: [
    { required: ['ticket_id'], properties: { ticket_id: ticketIdSchema, ...commonProperties } },
    {
      required: ['freshdesk_webhook'],
      properties: {
        freshdesk_webhook: { type: 'object', required: ['ticket_id'], properties: { ticket_id: ticketIdSchema } },
        ...commonProperties,
      },
    },
  ],
} as const;

export const INVALID_PAYLOAD_MESSAGE =
  'payload has no usable ticket_id: send a string of digits or a non-negative integer, either at the top ' +
  'level (flat payload) or under "freshdesk_webhook" (Freshdesk payload); "event" must be a non-empty string when present';

export interface TicketEvent {
  /** Canonical decimal form, used for the API path and duplicate detection. */
  ticketId: string;
  /** As the sender wrote it (string or number), echoed in the answer. */
  ticketIdAsSent: string | number;
  event: string;
  triggeredAt: string;
  shape: 'flat' | 'wrapped';
}

type Body = { ticket_id?: string | number; event?: string; triggered_at?: string; freshdesk_webhook?: { ticket_id: string | number } };

/** Normalises a body that already passed `ticketEventBodySchema`. */
export function ticketEventFrom(body: unknown, receivedAt: Date): TicketEvent {
  const b = body as Body;
  const flat = b.ticket_id !== undefined;
  const asSent = flat ? b.ticket_id! : b.freshdesk_webhook!.ticket_id;
  return {
    ticketId: BigInt(asSent).toString(),
    ticketIdAsSent: asSent,
    event: b.event ?? 'ticket_created',
    triggeredAt: b.triggered_at ?? receivedAt.toISOString(),
    shape: flat ? 'flat' : 'wrapped',
  };
}
