import { Router } from 'express';
import type { Ctx } from '../../domain/context';
import { buildOpenApiDocument } from '../openapi/openapi-document';

export function openApiRoutes(ctx: Ctx): Router {
  const router = Router();
  const document = buildOpenApiDocument({ baseUrl: ctx.config.baseUrl, version: ctx.version });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
