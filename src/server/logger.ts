import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Header and field paths that may carry secrets. pino replaces them with `[redacted]` wherever a
 * log line includes them, so a key or token never reaches a log even when a request is logged whole.
 */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'apiKey',
  'apiKeys',
  'token',
  'bearer',
  'key',
  'password',
  'databaseUrl',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'medseek' } };
  return destination ? pino(options, destination) : pino(options);
}
