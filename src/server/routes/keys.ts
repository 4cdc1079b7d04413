/** Admin routes for API keys: create (the token shown once), list, revoke. */
import { Type } from 'typebox';
import { createApiKey, listKeys, revokeKey } from '../../pipeline/keys.js';
import { HttpError } from '../errors.js';
import { defineRoute } from '../route.js';

const ScopeSchema = Type.Enum(['read', 'write', 'admin'], {
  description: 'admin ⊃ write ⊃ read: a key may do everything a lower scope may',
});

const KeyInfo = Type.Object({
  key_id: Type.String(),
  name: Type.String(),
  scope: ScopeSchema,
  created_at: Type.String(),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});

export const createKey = defineRoute({
  method: 'POST',
  url: '/keys',
  scope: 'admin',
  tags: ['keys'],
  summary: 'Creates an API key; its token is in this answer only',
  body: Type.Object(
    { name: Type.String({ minLength: 1, maxLength: 100 }), scope: ScopeSchema },
    { additionalProperties: false },
  ),
  status: 201,
  response: Type.Object({ key: KeyInfo, token: Type.String({ description: 'sc_<key id>_<secret>: store it now' }) }),
  handler: async ({ ctx, body }) => ctx.write((ws) => createApiKey(ws, body)),
});

export const listKeysRoute = defineRoute({
  method: 'GET',
  url: '/keys',
  scope: 'admin',
  tags: ['keys'],
  summary: 'Lists the API keys (never their secrets)',
  response: Type.Object({ keys: Type.Array(KeyInfo) }),
  handler: async ({ ctx }) => ({ keys: await listKeys(ctx.reader) }),
});

export const whoAmI = defineRoute({
  method: 'GET',
  url: '/keys/me',
  scope: 'read',
  tags: ['keys'],
  summary: 'The key this request is made with: its id, name and scope (what a client may show or offer)',
  response: Type.Object({ key_id: Type.String(), name: Type.String(), scope: ScopeSchema }),
  handler: async ({ who }) => ({ key_id: who!.keyId, name: who!.name, scope: who!.scope }),
});

export const revokeKeyRoute = defineRoute({
  method: 'DELETE',
  url: '/keys/:id',
  scope: 'admin',
  tags: ['keys'],
  summary: 'Revokes an API key: refused at once, its event streams closed',
  params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
  errors: [404],
  response: Type.Object({ key: KeyInfo }),
  handler: async ({ ctx, params }) => {
    const key = await ctx.write((ws) => revokeKey(ws, params.id));
    if (key === null) throw new HttpError(404, 'not_found', 'no such key', 'path.id');
    ctx.keys.forget(key.key_id);
    ctx.tickets.dropKey(key.key_id);
    ctx.streams.endKey(key.key_id);
    return { key };
  },
});

export const keyRoutes = [whoAmI, createKey, listKeysRoute, revokeKeyRoute];
