import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { PROBE_PATHS } from './probe-paths';

/**
 * One log line per request when its answer is written: method, path (never
 * the query string, which may carry ids or searches), status, duration and
 * the correlation id. Never bodies or headers. A 5xx carries the error the
 * central handler put on `res.err`, which stays in the log only. Written by
 * hand rather than with pino-http: that builds a child logger and
 * serialises request objects per request, a measurable share of the webhook
 * hot path.
 */
export function requestLogger(logger: Logger): RequestHandler {
  // These lines hold only method, path, status, duration and the correlation
  // id: nothing to redact, and the redaction pass over every line was ~2 % of
  // the webhook hot path's CPU. A 5xx line carries an error: it stays redacted.
  const plain = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const status = res.statusCode;
      const path = req.originalUrl.split('?', 1)[0];
      const line = {
        correlation_id: res.locals.correlationId as string,
        req: { method: req.method, path },
        res: { status },
        duration_ms: Math.round(performance.now() - started),
      };
      const msg = `${req.method} ${path} ${status}`;
      // The probes come every few seconds from every orchestrator; their 503s are an expected state.
      if (PROBE_PATHS.has(path ?? '') && status !== 500) plain.debug(line, msg);
      else if (status >= 500) logger.error({ ...line, err: (res as Response & { err?: unknown }).err }, msg);
      else if (status >= 400) plain.warn(line, msg);
      else plain.info(line, msg);
    });
    next();
  };
}
