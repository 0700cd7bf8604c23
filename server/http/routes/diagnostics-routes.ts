import { Router } from 'express';
import type { Ctx } from '../../domain/context';

export function diagnosticsRoutes(ctx: Ctx): Router {
  const router = Router();
  void ctx;
  return router;
}
