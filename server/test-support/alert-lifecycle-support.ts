import { and, asc, eq, like } from 'drizzle-orm';
import type { Db } from '../db/database';
import { alertEvents, alertSilences, auditLog } from '../db/schema';
import { forRequest, type RequestCtx } from '../domain/access/request-context';
import type { Caller } from '../domain/auth/caller';
import type { Ctx } from '../domain/context';
import type { DriverName } from '../db/database';
import { type AlertReceiver, clearAlertData, startAlertReceiver } from './alert-test-support';
import { startTestServer, type TestServer } from './test-server';

export const viewer: Caller = { name: 'vera@example.test', role: 'viewer', via: 'session' };
export const operator: Caller = { name: 'otto@example.test', role: 'operator', via: 'session' };
export const otherOperator: Caller = { name: 'olga@example.test', role: 'operator', via: 'session' };
export const admin: Caller = { name: 'ada@example.test', role: 'admin', via: 'session' };

/** A request's context as a transport builds it, for calling a domain verb directly as `caller`. */
export const asCaller = (ctx: Ctx, caller: Caller | null): RequestCtx =>
  forRequest(ctx, { correlationId: 'test-lifecycle', sourceIp: '127.0.0.1', target: 'test', identify: async () => ({ actor: caller }) });

export async function clearLifecycleData(db: Db): Promise<void> {
  await clearAlertData(db);
  await db.delete(alertEvents);
  await db.delete(alertSilences);
}

/** The rule's history rows, oldest first. */
export const historyOf = (db: Db, rule: string) =>
  db
    .select({ kind: alertEvents.kind, alertId: alertEvents.alertId, actor: alertEvents.actor, note: alertEvents.note, notifyState: alertEvents.notifyState })
    .from(alertEvents)
    .where(eq(alertEvents.rule, rule))
    .orderBy(asc(alertEvents.seq));

/** Audit rows whose action starts with `prefix` (after the recorder's buffered writes are flushed). */
export async function auditRowsOf(ctx: Ctx, prefix: string) {
  await ctx.audit.flush();
  return ctx.db
    .select({ actor: auditLog.actor, action: auditLog.action, outcome: auditLog.outcome, target: auditLog.target, details: auditLog.details })
    .from(auditLog)
    .where(and(like(auditLog.action, `${prefix}%`)))
    .orderBy(asc(auditLog.at), asc(auditLog.action));
}

/** A server posting to a loopback receiver, on the test's clock, with no background work (the test drives evaluation and delivery). */
export async function startNotifyingServer(driver: DriverName, now: () => number, overrides: Parameters<typeof startTestServer>[1] = {}): Promise<{ s: TestServer; receiver: AlertReceiver }> {
  const receiver = await startAlertReceiver();
  const s = await startTestServer(driver, { alertWebhookUrl: receiver.url, ...overrides }, { now });
  await s.ctx.projections.stop();
  await s.ctx.dbHealth.stop();
  return { s, receiver };
}

export async function stopNotifyingServer(s: TestServer | undefined, receiver: AlertReceiver | undefined): Promise<void> {
  await s?.stop();
  await receiver?.close();
}
