import type { Request, RequestHandler } from 'express';
import type { Telemetry } from '../domain/metrics/telemetry';
import { isEventStream } from './event-stream';

/**
 * The route pattern that answered (`/api/opal/sync/:sync_id`), never the raw
 * URL: ids in URLs would make every request a series of its own. Requests
 * no route matched (404s, static files) are `unmatched`.
 */
export function routeOf(req: Request): string {
  // tRPC: one series per procedure (a bounded set); batched calls share one.
  if (req.originalUrl.startsWith('/trpc/')) {
    const procedures = req.originalUrl.slice('/trpc/'.length).split('?')[0]!;
    return procedures.includes(',') ? '/trpc (batch)' : `/trpc/${procedures}`;
  }
  const path: unknown = req.route?.path;
  // The console's pages all answer through the single-page fallback.
  if (path === '/{*splat}') return 'console';
  if (typeof path === 'string') return `${req.baseUrl}${path}` || '/';
  if (Array.isArray(path)) return `${req.baseUrl}${path.map(String).join('|')}`;
  return 'unmatched';
}

/** Counts every request (event streams apart) by route pattern, method and status for the metrics service and Prometheus. */
export function requestMetrics(telemetry: Telemetry): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      // A stream's close is its normal end and its length no latency: it would read as a 499 that lasted minutes.
      if (isEventStream(res)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // A client that went away before the answer was written: nginx's 499.
      const status = res.writableFinished ? res.statusCode : 499;
      telemetry.recordHttpRequest(routeOf(req), status, ms, req.method);
    };
    res.on('finish', record);
    res.on('close', record);
    next();
  };
}
