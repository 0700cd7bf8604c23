import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { isEventStream } from './event-stream';
import { PROBE_PATHS } from './probe-paths';
import { currentLogContext, runInContext } from '../tracing/log-context';

/**
 * One log line per request when its answer is written: method, path (never
 * the query string, which may carry ids or searches), status, duration and
 * (from the request's async context, through the logger's mixin) the
 * correlation and trace ids. Never bodies or headers. A 5xx carries the
 * error the central handler put on `res.err`, which stays in the log only.
 * A request whose connection closes before its answer is finished (the
 * client gave up or went away) gets one `request aborted` line instead; an
 * event stream, which always ends so, one `stream closed` line at info.
 * Written by hand rather than with pino-http: that builds a child logger
 * and serialises request objects per request, a measurable share of the
 * webhook hot path.
 */
export function requestLogger(logger: Logger): RequestHandler {
  // These lines hold only method, path, status, duration and the ids: nothing
  // to redact, and the redaction pass over every line was ~2 % of the webhook
  // hot path's CPU. A 5xx line carries an error: it stays redacted.
  const plain = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const started = performance.now();
    // 'finish' and 'close' are emitted from the socket's callbacks, whose
    // async context need not be this request's: the line is written in the
    // request's own.
    const context = currentLogContext();
    const inContext = (write: () => void) => (context ? runInContext(context, write) : write());
    const path = () => req.originalUrl.split('?', 1)[0] ?? '';
    const elapsed = () => Math.round(performance.now() - started);
    let logged = false;
    res.once('finish', () => {
      logged = true;
      const status = res.statusCode;
      const line = { req: { method: req.method, path: path() }, res: { status }, duration_ms: elapsed() };
      const msg = `${req.method} ${line.req.path} ${status}`;
      inContext(() => {
        // The probes come every few seconds from every orchestrator; their 503s are an expected state.
        if (PROBE_PATHS.has(line.req.path) && status !== 500) plain.debug(line, msg);
        else if (status >= 500) logger.error({ ...line, err: (res as Response & { err?: unknown }).err }, msg);
        else if (status >= 400) plain.warn(line, msg);
        else plain.info(line, msg);
      });
    });
    res.once('close', () => {
      // 'close' follows 'finish' on every answer that was written whole. Not
      // res.writableFinished: an answer ended after the socket was gone (the
      // error handler's 400 for "request aborted") counts as finished there,
      // yet never emits 'finish' and never reached the client.
      if (logged) return;
      logged = true;
      const line = { req: { method: req.method, path: path() }, duration_ms: elapsed() };
      // An event stream ends when the browser leaves the page: that is how it always ends.
      if (isEventStream(res)) inContext(() => plain.info({ ...line, res: { status: res.statusCode } }, `stream closed: ${req.method} ${line.req.path}`));
      else inContext(() => plain.warn(line, `request aborted: ${req.method} ${line.req.path}`));
    });
    next();
  };
}
