import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Access, Verb } from '../../domain/access/define-verb';
import type { RequestCtx } from '../../domain/access/request-context';
import type { Ctx } from '../../domain/context';

/** The statuses a route may answer with a body of its own; errors are DESIGN.md's one error body. */
export type SuccessStatus = 200 | 202;
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

/** How the body is read before the verb sees it. */
export type BodyReader =
  /** application/json (415 otherwise); no body at all is `{}`. */
  | 'json'
  /** JSON text whatever the content type (the runbook's `curl -d` sends form-encoded JSON). */
  | 'json-text'
  /** The raw bytes (the webhook: verified before anything is parsed). */
  | 'raw';

export type Status = SuccessStatus | ErrorStatus;
type Responses = Partial<Record<Status, z.ZodType>>;

export interface Answer<B = unknown> {
  status: Status;
  body: B;
  /** e.g. `Idempotent-Replayed`, or the Prometheus content type. */
  headers?: Record<string, string>;
}

type AnswerOf<R extends Responses> = {
  [S in keyof R & Status]: { status: S; body: z.input<NonNullable<R[S]>>; headers?: Record<string, string> | undefined };
}[keyof R & Status];

export interface Parts {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  req: Request;
  res: Response;
}

export interface Example {
  summary: string;
  value: unknown;
}

/**
 * One REST route, declared once: Express mounts it (./mount-routes.ts), the
 * OpenAPI document is generated from it (../openapi/openapi-document.ts), and
 * the authorization tests read its verb's roles. A new route is this
 * declaration plus its domain verb.
 */
export interface RouteDeclaration<I = unknown, O = unknown, R extends Responses = Responses> {
  method: 'get' | 'post';
  /** Express syntax: `/api/opal/sync/:sync_id`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  verb: Verb<I, O>;
  /** Path parameters, query and body contracts: a 400 names every bad field. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: {
    reader: BodyReader;
    schema: z.ZodType;
    limit?: string | number;
    /** Content types the document names (default application/json). */
    contentTypes?: string[];
    /** A reader of the route's own instead of the default for `reader` (the webhook records its body-reading refusals). */
    read?: (ctx: Ctx) => RequestHandler;
    /** The verb validates the body itself, so that it can record the refusal (the webhook, the tool call): the schema documents it. */
    validatedByVerb?: boolean;
  };
  headers?: { name: string; required?: boolean; description: string; schema?: Record<string, unknown> }[];
  /** Headers of the success answer worth documenting (Set-Cookie, Idempotent-Replayed). */
  responseHeaders?: { name: string; description: string }[];
  /** OpenAPI security for routes whose verb checks its own credentials (a signature, a tool token). */
  security?: Record<string, string[]>[];
  /** A public write that still must not be made cross-site with the operator's cookie (sign-out). */
  cookieWrite?: boolean;
  /** Transport guards run before the body is read (a rate limit, a content-type check). */
  before?: (ctx: Ctx) => RequestHandler[];
  /** The verb's input from the parsed request. Default: the body, else the query. */
  input?: (parts: Parts & { ctx: RequestCtx }) => I;
  /**
   * The answers the route itself gives, each with its contract (the whole
   * body, `success: true` included); every other error status answers
   * DESIGN.md's error body.
   */
  responses: R;
  /** The error statuses this route's rules can give, beyond those derived from its shape (400, 401, 403, 415, 500, 503). */
  errors?: ErrorStatus[];
  /** The answer, typed by the contracts above. */
  answer: (result: O, parts: Parts & { ctx: RequestCtx }) => AnswerOf<R>;
  examples?: { request?: Record<string, Example>; responses?: Partial<Record<Status, Record<string, Example>>> };
}

/** A declaration, type-checked: its answers must match its contracts. */
export const defineRoute = <I, O, R extends Responses>(route: RouteDeclaration<I, O, R>) =>
  route as unknown as RouteDeclaration;

export const accessOf = (route: RouteDeclaration): Access => route.verb.access;

/** The statuses a route can answer, derived from its shape plus its own. */
export function statusesOf(route: RouteDeclaration): { success: SuccessStatus[]; errors: ErrorStatus[] } {
  const own = Object.keys(route.responses).map(Number) as Status[];
  const errors = new Set<ErrorStatus>([...(route.errors ?? []), ...(own.filter((s) => s >= 400) as ErrorStatus[])]);
  if (route.params || route.query || route.body) errors.add(400);
  if (route.body?.reader === 'json') errors.add(415);
  if (route.body) errors.add(413);
  if (route.verb.access !== 'public') {
    errors.add(401);
    errors.add(403);
  }
  // In production a write that did not come over https is refused before any route (require-https.ts).
  if (route.method === 'post') errors.add(403);
  errors.add(500);
  errors.add(503);
  return {
    success: own.filter((s) => s < 400) as SuccessStatus[],
    errors: [...errors].sort((a, b) => a - b),
  };
}
