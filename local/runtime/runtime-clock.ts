import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { acceleratedClock, type Clock, clockEnvValue } from '#shared/clock.ts';

/**
 * The runtime's one clock (ARCHITECTURE rule 10): accelerated by `speed`, shared with every
 * function through ACORN_CLOCK, and persisted so that time never jumps backwards across
 * restarts: a new start continues from the later of the requested start and the last saved time.
 */

export interface RuntimeClockOptions {
  /** File the virtual time is saved to. */
  file: string;
  /** Clock-time milliseconds per real millisecond. Default 1. */
  speed?: number;
  /** Where the clock starts (epoch ms); ignored when the saved time is later. Default: now. */
  virtualStart?: number;
  /** How often the time is saved while running. Default 1000 ms. */
  saveIntervalMs?: number;
}

export interface RuntimeClock {
  clock: Clock;
  speed: number;
  realEpoch: number;
  virtualStart: number;
  /** The ACORN_CLOCK value every function process gets. */
  envValue: string;
  /** True when the saved time was later than the requested start and won. */
  resumed: boolean;
  /** Saves the time and stops the save timer. */
  close(): void;
}

const savedSchema = z.object({ virtualNow: z.number(), speed: z.number().optional() });

export function startRuntimeClock(options: RuntimeClockOptions): RuntimeClock {
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new Error(`clock speed must be a positive number, got ${speed}`);
  const saved = readSaved(options.file);
  const requested = options.virtualStart ?? Date.now();
  const resumed = saved !== undefined && saved > requested;
  const virtualStart = resumed ? saved : requested;
  const realEpoch = Date.now();
  const spec = { realEpoch, virtualStart, speed };
  const clock = acceleratedClock(spec);
  const save = () => writeSaved(options.file, clock.now().getTime(), speed);
  save();
  const timer = setInterval(save, options.saveIntervalMs ?? 1000);
  timer.unref();
  let closed = false;
  return {
    clock,
    speed,
    realEpoch,
    virtualStart,
    envValue: clockEnvValue(spec),
    resumed,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      save();
    },
  };
}

function readSaved(file: string): number | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = savedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.virtualNow : undefined;
  } catch {
    // A torn write: start from the requested time rather than refusing to start.
    return undefined;
  }
}

function writeSaved(file: string, virtualNow: number, speed: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ virtualNow, iso: new Date(virtualNow).toISOString(), speed })}\n`);
  renameSync(tmp, file);
}
