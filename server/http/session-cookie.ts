import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import type { Ctx } from '../domain/context';

export const SESSION_COOKIE = 'ofs_session';

export const sessionTokenOf = (req: Request): string | undefined => parse(req.headers.cookie ?? '')[SESSION_COOKIE] || undefined;

/** httpOnly, SameSite=Strict, Secure in production: the session never reaches scripts or other sites. */
export function setSessionCookie(ctx: Ctx, res: Response, token: string, expires: Date): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: ctx.config.isProduction, path: '/', expires }),
  );
}

export function clearSessionCookie(ctx: Ctx, res: Response): void {
  res.append('Set-Cookie', serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.config.isProduction, path: '/', maxAge: 0 }));
}
