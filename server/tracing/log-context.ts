import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { formatTraceparent, newSpanId, newTraceId, type TraceParent } from './traceparent';

/**
 * What every log line written on behalf of one piece of work carries: the
 * HTTP request (or job run) it belongs to and the W3C trace it is part of.
 * Held in an AsyncLocalStorage, so code anywhere below a request, the domain
 * included, logs it without being handed it (server/logger.ts's mixin).
 */
export interface LogContext {
  correlationId: string;
  trace: {
    traceId: string;
    /** Passed on as received (bit 0, "sampled"); `01` for a trace this server starts. */
    flags: string;
    /** The caller's tracestate, passed on unchanged and never logged. */
    state?: string | undefined;
  };
  /** The background job this run belongs to. */
  job?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export const currentLogContext = (): LogContext | undefined => storage.getStore();

export function runInContext<T>(context: LogContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * Runs `work` in no context: for work shared by many requests (a group
 * commit, a batch flush), whose timers and log lines would otherwise carry
 * the id of whichever request happened to start them.
 */
export function runDetached<T>(work: () => T): T {
  return storage.exit(work);
}

/** A trace this server starts: a caller sent none, or an invalid one. We log every request, so it is "sampled". */
export const newTrace = (): LogContext['trace'] => ({ traceId: newTraceId(), flags: '01' });

/** The trace to continue from a caller's valid traceparent. */
export const continuedTrace = (parent: TraceParent, state: string | undefined): LogContext['trace'] => ({
  traceId: parent.traceId,
  flags: parent.flags,
  state,
});

/** One run of a background job, in a context of its own: `job:<name>:<uuid>`, a new trace, and the job's name. */
export function runAsJob<T>(name: string, work: () => T): T {
  return storage.run({ correlationId: `job:${name}:${randomUUID()}`, trace: newTrace(), job: name }, work);
}

/** The fields the logger adds to every line written inside a context. */
export function logContextFields(): Record<string, string> {
  const c = storage.getStore();
  if (!c) return {};
  return c.job === undefined
    ? { correlation_id: c.correlationId, trace_id: c.trace.traceId }
    : { correlation_id: c.correlationId, trace_id: c.trace.traceId, job: c.job };
}

/**
 * Headers for an outbound call made inside a context: the same trace, with
 * a new span id standing for this call (outside any context: a new trace).
 */
export function outboundTraceHeaders(): { traceparent: string; tracestate?: string } {
  const trace = storage.getStore()?.trace ?? newTrace();
  const traceparent = formatTraceparent({ traceId: trace.traceId, parentId: newSpanId(), flags: trace.flags });
  return trace.state === undefined ? { traceparent } : { traceparent, tracestate: trace.state };
}
