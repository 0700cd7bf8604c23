import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Ctx } from '../domain/context';
import { notFound } from '../domain/errors';
import { webDistFolder } from '../paths';
import { correlationId } from './correlation-id';
import { corsPolicy } from './cors-policy';
import { errorHandler, sendError } from './error-handler';
import { requestLogger } from './request-logger';
import { requireHttps } from './require-https';
import { requestMetrics } from './request-metrics';
import { trpcHandler } from './trpc-handler';
import { mountRoutes } from './rest/mount-routes';
import { documentedRoutes } from './routes/rest-routes';
import { WEBHOOK_PATH } from './routes/webhook-routes';

export function createApp(ctx: Ctx): Express {
  const app = express();
  app.disable('x-powered-by');
  // An ETag is a hash of every JSON answer, 202s included, that no client here
  // revalidates with (static files keep theirs): ~1.5 % of the webhook path.
  app.disable('etag');
  app.set('trust proxy', ctx.config.trustProxy);
  app.use(correlationId((method, path) => (method === 'POST' && path === '/api/opal/sync' ? 'force-sync' : 'req')));
  app.use(requestLogger(ctx.logger));
  app.use(requestMetrics(ctx.telemetry));
  app.use(
    helmet({
      hsts: ctx.config.isProduction,
      // Upgrading to https would break a development console served over plain http.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: ctx.config.isProduction ? [] : null } },
    }),
  );
  app.use(requireHttps(ctx));
  // The webhook receiver first: it is the hot path, and every layer before it
  // is walked on every delivery. Browsers have no business there, so CORS
  // comes after it.
  const { routes } = documentedRoutes({ baseUrl: ctx.config.baseUrl, version: ctx.version, open: { apiKeys: !ctx.apiKeys.enabled, toolToken: !ctx.config.opal.toolToken } });
  const hotPath = routes.filter((r) => r.path === WEBHOOK_PATH);
  app.use(mountRoutes(ctx, hotPath));
  app.use(corsPolicy(ctx));
  app.use('/trpc', ...trpcHandler(ctx));
  app.use(mountRoutes(ctx, routes.filter((r) => !hotPath.includes(r))));
  app.use('/api', (req, res) => sendError(res, notFound(`No route ${req.method} ${req.originalUrl.split('?')[0]}.`)));
  serveConsole(app);
  app.use(errorHandler);
  return app;
}

/** The built console (Vite output): hashed assets cached long, index.html never. */
function serveConsole(app: Express): void {
  const index = join(webDistFolder, 'index.html');
  app.use(
    '/assets',
    express.static(join(webDistFolder, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }),
  );
  app.use(express.static(webDistFolder, { index: false, maxAge: 0 }));
  app.get('/{*splat}', (_req, res, next) => {
    if (!existsSync(index)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
