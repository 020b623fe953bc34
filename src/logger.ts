import { pino } from 'pino';

export type Logger = pino.Logger;

// Secrets and card-holder data never reach the log, whichever module logs a whole object.
const REDACT_PATHS = [
  'secret',
  '*.secret',
  'adminToken',
  '*.adminToken',
  'headers.authorization',
  'headers.cookie',
  'rawBody',
  '*.rawBody',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ipn-gateway' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}
