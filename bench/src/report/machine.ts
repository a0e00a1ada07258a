import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release } from 'node:os';

/** The machine a run measured on, for the report. */
export interface Machine {
  cpu: string;
  cores: number;
  os: string;
  node: string;
  wrk: string;
  loadAverage: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(): Machine {
  const wrk = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    os: `${process.platform} ${release()}`,
    node: process.version,
    wrk:
      `${wrk.stdout ?? ''}${wrk.stderr ?? ''}`
        .split('\n')[0]
        ?.replace(/ Copyright.*/, '')
        .trim() || 'wrk',
    loadAverage: loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
  };
}
