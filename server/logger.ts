import pino, { type DestinationStream, type Logger } from 'pino';
import { logContextFields } from './tracing/log-context';

/**
 * JSON logs. Credentials are redacted wherever they might be attached to a
 * log object; the request logger never logs bodies. Every line written
 * inside a request or a job run carries its `correlation_id` and `trace_id`
 * (and a job's name) from the async context (server/tracing/).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-osa-signature"]',
  'req.headers["webhook-signature"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'password',
  'secret',
  'token',
  'apiKey',
  'authKey',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.authKey',
];

export function createLogger(opts: { debug: boolean; level?: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level ?? (opts.debug ? 'debug' : 'info'),
      base: { service: 'opal-force-sync' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: logContextFields,
    },
    opts.destination,
  );
}
