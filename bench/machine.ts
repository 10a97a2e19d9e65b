import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a benchmark ran on, printed with every result: numbers mean little without it. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly date: string;
}

/** Describes this machine. */
export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${distribution() ?? os.type()} (${os.type()} ${os.release()}, ${os.arch()})`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** The Linux distribution's name from /etc/os-release, when there is one. */
function distribution(): string | undefined {
  try {
    const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return match?.[1];
  } catch {
    return undefined;
  }
}

/** The header block of the benchmark output. */
export function formatMachine(machine: Machine): string {
  return [
    `machine  ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB`,
    `os       ${machine.os}`,
    `node     ${machine.node}`,
    `date     ${machine.date}`,
  ].join('\n');
}
