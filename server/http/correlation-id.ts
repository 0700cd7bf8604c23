import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { continuedTrace, newTrace, runInContext } from '../tracing/log-context';
import { acceptTracestate, parseTraceparent } from '../tracing/traceparent';

// Printable ASCII, no spaces, at most 128 characters (DESIGN.md "Identifiers").
const ACCEPTABLE = /^[\x21-\x7e]{1,128}$/;

export function newCorrelationId(prefix: string): string {
  // randomUUID draws from a cached entropy pool: cheaper per request than randomBytes.
  return `${prefix}-${Date.now()}-${randomUUID().slice(0, 8)}`;
}

/**
 * Keeps a caller's X-Correlation-Id when it is acceptable, else makes one
 * (`force-sync-<ms>-<random>` for force sync, as the runbook shows), and
 * puts it on every answer. The caller's W3C traceparent is continued when
 * valid, else a new trace starts; the rest of the request runs in that
 * async context, so every log line below carries both ids.
 */
export function correlationId(prefixFor: (method: string, path: string) => string): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-correlation-id'];
    const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : newCorrelationId(prefixFor(req.method, req.path));
    res.locals.correlationId = id;
    res.setHeader('X-Correlation-Id', id);
    const parent = parseTraceparent(req.headers.traceparent);
    const trace = parent ? continuedTrace(parent, acceptTracestate(req.headers.tracestate)) : newTrace();
    runInContext({ correlationId: id, trace }, next);
  };
}
