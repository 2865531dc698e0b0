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
  /** `ticket_subject` and `ticket_description` of the payload (top level, or under `freshdesk_webhook`), when strings. */
  subject?: string;
  description?: string;
}

interface TicketFields {
  ticket_id: string | number;
  ticket_subject?: unknown;
  ticket_description?: unknown;
}
type Body = Partial<TicketFields> & { event?: string; triggered_at?: string; freshdesk_webhook?: TicketFields };

/** Normalises a body that already passed `ticketEventBodySchema`. */
export function ticketEventFrom(body: unknown, receivedAt: Date): TicketEvent {
  const b = body as Body;
  const flat = b.ticket_id !== undefined;
  const fields = (flat ? b : b.freshdesk_webhook!) as TicketFields;
  const asSent = fields.ticket_id;
  return {
    ticketId: BigInt(asSent).toString(),
    ticketIdAsSent: asSent,
    event: b.event ?? 'ticket_created',
    triggeredAt: b.triggered_at ?? receivedAt.toISOString(),
    shape: flat ? 'flat' : 'wrapped',
    ...(typeof fields.ticket_subject === 'string' ? { subject: fields.ticket_subject } : {}),
    ...(typeof fields.ticket_description === 'string' ? { description: fields.ticket_description } : {}),
  };
}

/** The events the automation handles; any other is answered 200 `ignored`. */
export const SUPPORTED_EVENTS = ['ticket_created', 'ticket_updated', 'note_added'] as const;

/** A ticket_updated is handled only for refund tickets: "refund" in its subject or description, any case. */
export function isRefund(event: TicketEvent): boolean {
  return /refund/i.test(event.subject ?? '') || /refund/i.test(event.description ?? '');
}

/** Why the automation leaves this event alone (answered 200 `ignored`), or undefined to process it. */
export function ignoreReason(event: TicketEvent): string | undefined {
  if (!(SUPPORTED_EVENTS as readonly string[]).includes(event.event)) {
    return `event ${JSON.stringify(event.event)} is not handled (handled: ${SUPPORTED_EVENTS.join(', ')})`;
  }
  if (event.event === 'ticket_updated' && !isRefund(event)) {
    return 'ticket_updated is handled only for refund tickets ("refund" in ticket_subject or ticket_description)';
  }
  return undefined;
}
