import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Where things run: the servers under test on one core, the load client (this process, wrk, and Redis when it
 * is local) on the other. Without taskset or with one core, nothing is pinned and the report says so.
 */
export interface CorePlan {
  serverCore: number | null;
  clientCore: number | null;
  description: string;
}

function hasTaskset(): boolean {
  const probe = spawnSync('taskset', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

export function planCores(): CorePlan {
  const cores = availableParallelism();
  if (!hasTaskset()) {
    return { serverCore: null, clientCore: null, description: 'not pinned (no taskset)' };
  }
  if (cores < 2) return { serverCore: null, clientCore: null, description: 'not pinned (one core)' };
  return {
    serverCore: 0,
    clientCore: 1,
    description:
      'servers under test on core 0; load client (wrk, the bench process) and what the BFF calls (its OpenID provider, the proxied API) on core 1',
  };
}

/** The current affinity mask of `pid` (hex, as taskset prints it), or null when it cannot be read. */
function currentMask(pid: number): string | null {
  const result = spawnSync('taskset', ['-p', String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) return null;
  return /mask:\s*([0-9a-f]+)/i.exec(result.stdout)?.[1] ?? null;
}

/**
 * Pins every thread of `pid` to `core`. Answers a function that puts the previous affinity back, or null when
 * the process could not be pinned (not ours to change, gone, no taskset).
 */
export function pinProcess(pid: number, core: number): (() => void) | null {
  const previous = currentMask(pid);
  if (previous === null) return null;
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
  if (result.status !== 0) return null;
  return () => {
    spawnSync('taskset', ['-a', '-p', previous, String(pid)], { stdio: 'ignore' });
  };
}

/** True when `pid` is a process on this machine whose command name starts with `name`. */
export function isLocalProcess(pid: number, name: string): boolean {
  const comm = `/proc/${pid}/comm`;
  return existsSync(comm) && readFileSync(comm, 'utf8').trim().startsWith(name);
}
