/**
 * The one log stream of the local runtime: its own lines and every line a function writes
 * (Powertools Logger JSON, console output), tagged with where it came from.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RuntimeLogLine {
  /** ISO 8601 wall-clock time the line was seen. */
  time: string;
  /** `runtime`, `runtime:<component>` or the function id that wrote it. */
  source: string;
  level: LogLevel;
  message: string;
  /** The structured fields: the parsed JSON line of a function, or context of a runtime line. */
  data?: Record<string, unknown>;
}

export type LogSink = (line: RuntimeLogLine) => void;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A sink that writes each line as `time source LEVEL message` to stdout (stderr for warn and
 * error), dropping lines below `minLevel` (default `info`).
 */
export function consoleLogSink(options: { minLevel?: LogLevel } = {}): LogSink {
  const min = ORDER[options.minLevel ?? 'info'];
  return (line) => {
    if (ORDER[line.level] < min) return;
    const text = `${line.time} ${line.source} ${line.level.toUpperCase()} ${line.message}\n`;
    if (line.level === 'warn' || line.level === 'error') process.stderr.write(text);
    else process.stdout.write(text);
  };
}

/** A logger bound to one source, for the runtime's own components. */
export function componentLogger(sink: LogSink, source: string) {
  return (level: LogLevel, message: string, data?: Record<string, unknown>): void => {
    sink({ time: new Date().toISOString(), source, level, message, ...(data ? { data } : {}) });
  };
}

const LEVELS: Record<string, LogLevel> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'error',
  SILENT: 'debug',
};

/**
 * Turns one line a function wrote into a log line: a JSON object (Powertools Logger, EMF metrics)
 * keeps its fields as `data` and its `level` and `message`; plain text becomes the message.
 */
export function parseFunctionLogLine(
  source: string,
  text: string,
  stream: 'stdout' | 'stderr',
): RuntimeLogLine {
  const time = new Date().toISOString();
  // console.warn and console.error both land on stderr; warn is the honest guess for plain text.
  const fallback: LogLevel = stream === 'stderr' ? 'warn' : 'info';
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const data = parsed as Record<string, unknown>;
        const level =
          typeof data.level === 'string' ? (LEVELS[data.level.toUpperCase()] ?? fallback) : fallback;
        const message = typeof data.message === 'string' ? data.message : text;
        return { time, source, level, message, data };
      }
    } catch {
      // Not JSON after all: keep the text as it is.
    }
  }
  return { time, source, level: fallback, message: text };
}
