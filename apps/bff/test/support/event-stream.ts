/** One server-sent event as a browser's `EventSource` would see it. */
export interface ServerSentEvent {
  event: string;
  data: unknown;
}

/**
 * Reads a `text/event-stream` response: `next()` answers the next named event (comments such as heartbeats are
 * counted, not returned), or fails after `timeoutMs`. `ended` settles when the server closes the stream.
 */
export class EventStreamReader {
  private buffer = '';
  private readonly queue: ServerSentEvent[] = [];
  private waiting: (() => void) | null = null;
  comments = 0;
  /** The last `retry` field (the reconnect delay the server asks for), null until one came. */
  retryMs: number | null = null;
  closed = false;
  readonly ended: Promise<void>;

  constructor(response: Response) {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    this.ended = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          this.buffer += value;
          this.drain();
        }
      } catch {
        // aborted by the test
      }
      this.closed = true;
      this.waiting?.();
    })();
    this.cancel = () => reader.cancel().catch(() => {});
  }

  readonly cancel: () => void;

  private drain(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (block.startsWith(':')) {
        this.comments += 1;
        continue;
      }
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      if (fields.retry !== undefined) this.retryMs = Number(fields.retry);
      // As EventSource: a block without data dispatches no event.
      if (fields.data === undefined) continue;
      this.queue.push({ event: fields.event ?? 'message', data: JSON.parse(fields.data) });
    }
    this.waiting?.();
  }

  async next(timeoutMs = 5_000): Promise<ServerSentEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.closed) throw new Error('the event stream closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, left);
      });
      this.waiting = null;
    }
    return this.queue.shift()!;
  }
}
