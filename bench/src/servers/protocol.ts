/**
 * The parent ↔ child protocol over Node's IPC channel. A child starts, listens on a loopback port and says
 * `ready`; the parent then calls it by name (`cpu`, `stop`, or what the child adds) and gets one `reply` per call.
 * Options reach the child as JSON in `BENCH_CHILD_OPTIONS`.
 */
export const OPTIONS_VARIABLE = 'BENCH_CHILD_OPTIONS';

export interface ReadyMessage {
  type: 'ready';
  /** 0 for a child that serves nothing (a measurement). */
  port: number;
  info: unknown;
}

export interface CallMessage {
  type: 'call';
  id: number;
  method: string;
  params?: unknown;
}

export interface ReplyMessage {
  type: 'reply';
  id: number;
  result?: unknown;
  error?: string;
}

export type ChildMessage = ReadyMessage | ReplyMessage;

/** Every child answers these. */
export interface CpuReply {
  /** process.cpuUsage() user + system, in microseconds, since the child started. */
  micros: number;
}
