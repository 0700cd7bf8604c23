import { TRPCClientError } from '@trpc/client';

/** The HTTP status behind an error from tRPC or a REST call, when there was an answer at all. */
export function httpStatusOf(error: unknown): number | null {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
    return typeof status === 'number' ? status : null;
  }
  if (error instanceof RestError) return error.status;
  return null;
}

export const isUnauthorized = (error: unknown) => httpStatusOf(error) === 401;
export const isForbidden = (error: unknown) => httpStatusOf(error) === 403;
export const isNotFound = (error: unknown) => httpStatusOf(error) === 404;

/** A sentence an operator can act on. Server messages are already written for people; network failures are not. */
export function errorMessage(error: unknown): string {
  const status = httpStatusOf(error);
  if (status === null) return 'The server could not be reached. Check that it is running; this page retries by itself.';
  if (error instanceof Error && error.message) return error.message;
  return `The server answered ${status}.`;
}

/** An error answer from one of the REST routes (`{ success: false, error, message }`). */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

/** POST JSON to a REST route; throws RestError with the server's message on a non-2xx answer. */
export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as { message?: string } | null;
  if (!res.ok) throw new RestError(res.status, json?.message ?? `The server answered ${res.status}.`);
  return json as T;
}
