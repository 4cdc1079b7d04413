/** The event stream: a ticket (EventSource sends no headers), then GET /events?ticket=… as server-sent events. */
import { Type } from 'typebox';
import { HttpError } from '../errors.js';
import { defineRoute } from '../route.js';

export const eventsTicket = defineRoute({
  method: 'POST',
  url: '/events/ticket',
  scope: 'read',
  tags: ['events'],
  summary: 'A one-time ticket for GET /events (valid 60 s, for this key only)',
  response: Type.Object({ ticket: Type.String(), expires_at: Type.String() }),
  handler: async ({ ctx, who }) => ctx.tickets.issue(who!, 'events'),
});

const EVENT_ID = /^\d{1,15}$/;

export const eventStream = defineRoute({
  method: 'GET',
  url: '/events',
  scope: 'read',
  ticket: 'events',
  tags: ['events'],
  summary: 'Server-sent events: job progress, forecast updates, alerts',
  description:
    'text/event-stream; each event has `id:`, `event:` (its type) and `data:` (JSON). Authenticate with a Bearer ' +
    'header or `?ticket=` from POST /events/ticket. To resume, send `Last-Event-ID` (or `lastEventId` with a new ' +
    'ticket): every event after it is replayed, then live ones follow. The stream stays open while its key is valid.',
  querystring: Type.Object(
    {
      ticket: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
    },
    { additionalProperties: false },
  ),
  produces: ['text/event-stream'],
  response: Type.String({ description: 'an endless text/event-stream' }),
  handler: async ({ ctx, who, query, request, reply }) => {
    const header = request.headers['last-event-id'];
    const text = typeof header === 'string' && header !== '' ? header : query.lastEventId;
    if (text !== undefined && !EVENT_ID.test(text))
      throw new HttpError(
        400,
        'invalid_request',
        'header.last-event-id must be a whole number',
        'header.last-event-id',
      );
    await ctx.streams.stream(reply, who!.keyId, text === undefined ? ctx.events.last : Number(text));
    return undefined;
  },
});

export const eventRoutes = [eventsTicket, eventStream];
