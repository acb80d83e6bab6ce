/** One event as a client parsed it off the wire. */
export interface ReceivedEvent {
  readonly id: string;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/**
 * A real SSE client over fetch (as browsers must use for an authenticated stream: EventSource cannot
 * send headers), parsing the wire format itself: what the tests see is exactly what was sent.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  comments = 0;
  status = 0;
  #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();
  #waiters: (() => void)[] = [];
  ended = false;

  static async open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const c = new SseClient();
    const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: c.#abort.signal });
    c.status = res.status;
    if (res.status !== 200) {
      (c as { body?: unknown }).body = await res.json().catch(() => undefined);
      return c;
    }
    c.#done = c.#read(res.body!);
    return c;
  }

  /** The problem document of a refused stream. */
  get problem(): { code?: string } | undefined {
    return (this as { body?: { code?: string } }).body;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) {
              this.comments++;
              continue;
            }
            const i = line.indexOf(": ");
            if (i > 0) fields[line.slice(0, i)] = line.slice(i + 2);
          }
          if (fields.data !== undefined) this.events.push({ id: fields.id ?? "", event: fields.event ?? "message", data: JSON.parse(fields.data) as Record<string, unknown> });
          for (const w of this.#waiters.splice(0)) w();
        }
      }
    } catch {
      // aborted by the test, or the server dropped us
    } finally {
      this.ended = true;
      for (const w of this.#waiters.splice(0)) w();
    }
  }

  /** Waits until `pred` holds of the events (or the stream ends, or `ms` pass); returns whether it held. */
  async waitFor(pred: (events: readonly ReceivedEvent[]) => boolean, ms = 10_000): Promise<boolean> {
    const until = Date.now() + ms;
    while (!pred(this.events)) {
      if (this.ended || Date.now() > until) return pred(this.events);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return true;
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}
