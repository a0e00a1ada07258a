import type { Clock } from '../clock.ts';

export interface StreamLimits {
  /** Open streams one session may hold on this replica (its tabs). */
  maxPerSession: number;
  /** Open streams this replica holds in all. */
  maxStreams: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** How often expiries are checked (default 1 s). */
  tickMs?: number;
}

/** One open event stream, as the registry drives it. */
export interface RegisteredStream {
  readonly key: string;
  /** When the session ends unless it is used meanwhile (epoch ms, by the app's clock). */
  endsAt: number;
  /** The end time passed: look at the store again. */
  checkExpiry(): void;
  heartbeat(): void;
  /** The replica is shutting down: tell the browser when to reconnect (`retry`), then close. */
  end(reconnectAfterMs: number): void;
}

/**
 * Reconnect delays given to the streams a shutdown ends, spread over this range so that a replica's thousand
 * tabs come back to the other replicas over a couple of seconds rather than in the same instant.
 */
export const RECONNECT_AFTER_MS = { min: 500, max: 2_500 };

/**
 * The event streams open on this replica: their bounds, and one timer for all of them (expiry checks every
 * tick, a heartbeat every `heartbeatMs`) instead of timers per stream — a thousand idle streams cost a
 * thousand small objects, not a thousand timers.
 */
export class StreamRegistry {
  private readonly streams = new Set<RegisteredStream>();
  private readonly perSession = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticks = 0;
  private closing = false;
  private readonly tickMs: number;
  private readonly ticksPerBeat: number;

  constructor(
    private readonly limits: StreamLimits,
    private readonly clock: Clock,
  ) {
    this.tickMs = limits.tickMs ?? 1000;
    this.ticksPerBeat = Math.max(1, Math.round(limits.heartbeatMs / this.tickMs));
  }

  get size(): number {
    return this.streams.size;
  }

  /** True once `endAll` ran: this replica is shutting down and opens no more streams. */
  get shuttingDown(): boolean {
    return this.closing;
  }

  /**
   * Shutdown (SIGTERM): ends every open stream with a reconnect hint and opens no more. A stream would otherwise
   * hold the shutdown until its grace period runs out, and be cut without a word. Answers how many were ended.
   */
  endAll(): number {
    this.closing = true;
    const open = [...this.streams];
    const { min, max } = RECONNECT_AFTER_MS;
    for (const stream of open) stream.end(min + Math.floor(Math.random() * (max - min)));
    return open.length;
  }

  /** Why one more stream for `key` is refused, or null when it may open. */
  refusal(key: string): string | null {
    if (this.streams.size >= this.limits.maxStreams) {
      return 'This server holds as many event streams as it may. Try again later.';
    }
    if ((this.perSession.get(key) ?? 0) >= this.limits.maxPerSession) {
      return `This session has ${this.limits.maxPerSession} event streams open already; close a tab first.`;
    }
    return null;
  }

  add(stream: RegisteredStream): () => void {
    this.streams.add(stream);
    this.perSession.set(stream.key, (this.perSession.get(stream.key) ?? 0) + 1);
    this.timer ??= setInterval(() => this.tick(), this.tickMs).unref();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.streams.delete(stream);
      const left = (this.perSession.get(stream.key) ?? 1) - 1;
      if (left > 0) this.perSession.set(stream.key, left);
      else this.perSession.delete(stream.key);
      if (this.streams.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private tick(): void {
    this.ticks += 1;
    const beat = this.ticks % this.ticksPerBeat === 0;
    const now = this.clock();
    for (const stream of [...this.streams]) {
      if (now >= stream.endsAt) stream.checkExpiry();
      if (beat) stream.heartbeat();
    }
  }
}
