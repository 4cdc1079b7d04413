/** A server-sent-events client for the end-to-end tests: reads a real `GET /events` stream over HTTP. */

export interface SseEvent {
  id: number;
  event: string;
  data: unknown;
}

/** An open event stream: the events and comments read so far, and waiting for more. */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  ended = false;
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const c = new SseClient();
    const res = await fetch(url, { headers, signal: c.abort.signal });
    c.status = res.status;
    if (res.status !== 200 || res.body === null) {
      c.ended = true;
      return c;
    }
    void c.read(res.body);
    return c;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of body) {
        buf += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
            else {
              const colon = line.indexOf(':');
              fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
            }
          }
          if (fields['id'] !== undefined)
            this.events.push({ id: Number(fields['id']), event: fields['event']!, data: JSON.parse(fields['data']!) });
          this.wake();
        }
      }
    } catch {
      // aborted by the test
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `ok()` holds (or rejects after `ms`). */
  async until(ok: () => boolean, ms = 5000, what = 'a condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline)
        throw new Error(
          `SseClient.until: timed out waiting for ${what} (${this.events.length} events: ` +
            `${this.events.map((e) => e.event).join(', ')})`,
        );
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** The first event of `type` whose data passes `ok`, once it has come. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON the event carries
  async waitFor(type: string, ok: (data: any) => boolean = () => true, ms = 30_000): Promise<SseEvent> {
    let found: SseEvent | undefined;
    await this.until(
      () => (found = this.events.find((e) => e.event === type && ok(e.data))) !== undefined,
      ms,
      `a '${type}' event`,
    );
    return found!;
  }

  close(): void {
    this.abort.abort();
  }
}
