import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** One log line per request: method, path, status, duration and correlation id. Never bodies or credentials. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => (res as unknown as { locals: { correlationId: string } }).locals.correlationId,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'correlation_id', responseTime: 'duration_ms' },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
  });
}
