// What the automation writes back to the ticket: a stand-in for the original service's work.
import type { Ticket } from './freshdesk-client.ts';
import type { TicketEvent } from './payload.ts';

export function automationNote(ticket: Ticket, event: TicketEvent): string {
  const subject = typeof ticket.subject === 'string' ? ticket.subject : '(no subject)';
  return `Automation handled ${event.event} at ${event.triggeredAt} for "${subject}" (priority ${ticket.priority}, status ${ticket.status}).`;
}
