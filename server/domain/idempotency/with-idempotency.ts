import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, eq } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema';
import type { Ctx } from '../context';
import { DomainError, type DomainErrorKind, isServerFault, validationError } from '../errors';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
// A first request still "in flight" after this was lost with its process: take it over.
const ABANDONED_AFTER_MS = 5 * 60_000;
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;


interface StoredError {
  error: { kind: DomainErrorKind; title: string; message: string; details?: Record<string, unknown> };
}

export const requestHashOf = (body: unknown) =>
  createHash('sha256').update(canonicalize(body ?? null) ?? '').digest('hex');

/**
 * `Idempotency-Key`, scoped to the caller and route: the first completed
 * result (success or a refusal of the request) is given again for 24 hours
 * without running the work twice; the same key while the first is still
 * running → Conflict; with a different body → Unprocessable. Faults of the
 * system or of Opal are forgotten so that a retry really retries. The unique primary key decides between concurrent
 * first requests, also across processes.
 */
export async function withIdempotency<T>(
  {
    ctx,
    input,
  }: { ctx: Ctx; input: { key: string | undefined; scope: string; route: string; requestBody: unknown } },
  run: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (input.key === undefined) return { result: await run(), replayed: false };
  if (!KEY_FORMAT.test(input.key)) {
    throw validationError('The Idempotency-Key header is not valid.', [
      { path: 'Idempotency-Key', message: 'must be 1 to 255 printable characters without spaces' },
    ]);
  }
  const id = { scope: input.scope, route: input.route, key: input.key };
  const where = and(eq(idempotencyKeys.scope, id.scope), eq(idempotencyKeys.route, id.route), eq(idempotencyKeys.key, id.key));
  const requestHash = requestHashOf(input.requestBody);

  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await ctx.db
      .insert(idempotencyKeys)
      .values({ ...id, requestHash, state: 'in_flight', createdAt: new Date(ctx.now()) })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length > 0) return { result: await runAndRemember(ctx, where, run), replayed: false };

    const [existing] = await ctx.db.select().from(idempotencyKeys).where(where);
    if (!existing) continue;
    const age = ctx.now() - existing.createdAt.getTime();
    const abandoned = existing.state === 'in_flight' && age > ABANDONED_AFTER_MS;
    if (age > IDEMPOTENCY_TTL_MS || abandoned) {
      await ctx.db.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.createdAt, existing.createdAt)));
      continue;
    }
    if (existing.requestHash !== requestHash) {
      throw new DomainError(
        'Unprocessable',
        'Idempotency Key Reused',
        'This Idempotency-Key was used with a different request body. Use a new key for a new request.',
      );
    }
    if (existing.state === 'in_flight') {
      throw new DomainError('Conflict', 'Request In Progress', 'A request with this Idempotency-Key is still being processed. Retry shortly.', {
        retryAfterSeconds: 2,
      });
    }
    const stored = existing.responseBody as T | StoredError;
    if (stored && typeof stored === 'object' && 'error' in stored && typeof stored.error === 'object') {
      const e = (stored as StoredError).error;
      throw new DomainError(e.kind, e.title, e.message, e.details ? { details: e.details } : {});
    }
    return { result: stored as T, replayed: true };
  }
  throw new DomainError('Conflict', 'Request In Progress', 'The Idempotency-Key is contended. Retry shortly.', { retryAfterSeconds: 1 });
}

async function runAndRemember<T>(ctx: Ctx, where: ReturnType<typeof and>, run: () => Promise<T>): Promise<T> {
  const remember = (body: unknown) =>
    ctx.db.update(idempotencyKeys).set({ state: 'completed', responseBody: body, completedAt: new Date(ctx.now()) }).where(where);
  let result: T;
  try {
    result = await run();
  } catch (e) {
    if (e instanceof DomainError && !isServerFault(e.kind)) {
      await remember({ error: { kind: e.kind, title: e.title, message: e.message, details: e.details } } satisfies StoredError);
    } else {
      await ctx.db.delete(idempotencyKeys).where(where).catch(() => {});
    }
    throw e;
  }
  await remember(result);
  return result;
}
