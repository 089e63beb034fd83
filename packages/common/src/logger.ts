import { type Logger, pino } from "pino";

export type { Logger };

export interface LoggerOptions {
  name: string;
  level?: string;
}

/** JSON logs on stdout, one line per event, the service name on every line. */
export function createLogger({ name, level = "info" }: LoggerOptions): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["req.headers.authorization", "*.password", "*.auth"], censor: "[redacted]" },
  });
}
