/**
 * Short-lived credentials for what a browser cannot send a header with. A ticket is issued to a key over Bearer
 * auth, for one purpose (`events`: open the event stream; `docs`: open a docs session), expires after `ttlMs`
 * (60 s) and is used once. A docs session (a cookie made from a docs ticket) lasts an hour. Both are bound to the
 * key: revoking it drops them (`dropKey`). Kept in memory only: a restart ends them, which costs a client one more
 * ticket. A resource, hence a class.
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../pipeline/keys.js';

export type TicketPurpose = 'events' | 'docs' | 'docs-session';

interface Entry {
  principal: Principal;
  purpose: TicketPurpose;
  expires: number;
}

export class TicketStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new ticket for `principal`, valid `ttlMs` for `purpose`. */
  issue(principal: Principal, purpose: TicketPurpose, ttlMs = 60_000): { ticket: string; expires_at: string } {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    const expires = this.now() + ttlMs;
    this.entries.set(ticket, { principal, purpose, expires });
    return { ticket, expires_at: new Date(expires).toISOString() };
  }

  /** The principal of a live ticket for `purpose`, consuming it (single use); null otherwise. */
  redeem(ticket: string, purpose: TicketPurpose): Principal | null {
    const e = this.peek(ticket, purpose);
    if (e !== null) this.entries.delete(ticket);
    return e;
  }

  /** The principal of a live ticket for `purpose`, without consuming it (a session); null otherwise. */
  peek(ticket: string, purpose: TicketPurpose): Principal | null {
    const e = this.entries.get(ticket);
    if (e === undefined || e.purpose !== purpose) return null;
    if (e.expires <= this.now()) {
      this.entries.delete(ticket);
      return null;
    }
    return e.principal;
  }

  /** Drops every ticket and session of a key (it was revoked). */
  dropKey(keyId: string): void {
    for (const [t, e] of this.entries) if (e.principal.keyId === keyId) this.entries.delete(t);
  }

  private sweep(): void {
    const now = this.now();
    for (const [t, e] of this.entries) if (e.expires <= now) this.entries.delete(t);
  }
}
