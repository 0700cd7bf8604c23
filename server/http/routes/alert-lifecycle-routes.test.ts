import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appRouter } from '../../trpc/app-router';
import { createCallerFactory } from '../../trpc/trpc';
import { type AlertReceiver, at, MIN, seedEvents } from '../../test-support/alert-test-support';
import { asCaller, auditRowsOf, clearLifecycleData, historyOf, operator, startNotifyingServer, stopNotifyingServer, viewer } from '../../test-support/alert-lifecycle-support';
import { testDrivers } from '../../test-support/test-database';
import type { TestServer } from '../../test-support/test-server';
import { evaluateAlerts } from '../../domain/alerts/evaluate-alerts';
import { deliverAlertNotifications } from '../../domain/alerts/deliver-alert-notifications';

interface Json {
  [k: string]: unknown;
}
const T0 = new Date('2026-03-01T10:00:00.000Z');
const KEYS = { viewer: 'v'.repeat(40), operator: 'o'.repeat(40) };
const createCaller = createCallerFactory(appRouter);

describe.each(testDrivers)('alert lifecycle over REST and tRPC on %s', (driver) => {
  let s: TestServer;
  let receiver: AlertReceiver;
  let clock = T0.getTime();
  let alertId: string;
  const send = async (path: string, key: keyof typeof KEYS, body?: unknown) => {
    const res = await fetch(`${s.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS[key]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    ({ s, receiver } = await startNotifyingServer(driver, () => clock, {
      apiKeys: [
        { name: 'ops-viewer', role: 'viewer', key: KEYS.viewer },
        { name: 'ops-operator', role: 'operator', key: KEYS.operator },
      ],
    }));
  });
  afterAll(() => stopNotifyingServer(s, receiver));
  beforeEach(async () => {
    clock = T0.getTime();
    receiver.received.length = 0;
    await clearLifecycleData(s.ctx.db);
    await seedEvents(s.ctx.db, at(T0, -MIN), 120, 'pending');
    const { changes } = await evaluateAlerts({ ctx: s.ctx, input: { now: T0 } });
    alertId = changes.find((c) => c.rule === 'event_backlog')!.alert_id!;
    await deliverAlertNotifications({ ctx: s.ctx, input: { now: T0 } });
  });

  it('acknowledges through POST /api/alerts/{id}/acknowledge: 200 twice for the same key, 404, 400, and 403 for a viewer with its audit row', async () => {
    const r = await send(`/api/alerts/${alertId}/acknowledge`, 'operator', { note: 'on it' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, alert: { id: alertId, state: 'acknowledged', acknowledged_by: 'ops-operator', acknowledge_note: 'on it' } });
    expect((await send(`/api/alerts/${alertId}/acknowledge`, 'operator', {})).status).toBe(200);
    expect((await historyOf(s.ctx.db, 'event_backlog')).map((h) => h.kind)).toEqual(['fired', 'acknowledged']);

    expect((await send('/api/alerts/00000000-0000-4000-8000-000000000000/acknowledge', 'operator', {})).status).toBe(404);
    const bad = await send(`/api/alerts/${alertId}/acknowledge`, 'operator', { note: 'x'.repeat(501) });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, details: { field_errors: [{ path: 'note' }] } });
    const refused = await send(`/api/alerts/${alertId}/acknowledge`, 'viewer', {});
    expect(refused.status).toBe(403);
    expect(await auditRowsOf(s.ctx, 'auth.forbidden')).toMatchObject([{ actor: 'ops-viewer', details: { verb: 'alerts.acknowledge' } }]);
    expect(await auditRowsOf(s.ctx, 'alert.acknowledge')).toHaveLength(1);
  });

  it('silences and lifts through POST /api/alerts/silences and /lift: 409 for a second silence and a second lift, 400 for a missing reason', async () => {
    const missing = await send('/api/alerts/silences', 'operator', { rule: 'event_backlog', duration_minutes: 60 });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ details: { field_errors: [{ path: 'reason' }] } });
    expect((await send('/api/alerts/silences', 'operator', { rule: 'event_backlog', duration_minutes: 60 * 24 * 8, reason: 'r' })).status).toBe(400);
    expect((await send('/api/alerts/silences', 'viewer', { rule: 'event_backlog', duration_minutes: 60, reason: 'r' })).status).toBe(403);

    const created = await send('/api/alerts/silences', 'operator', { rule: 'event_backlog', duration_minutes: 60, reason: 'Backfill' });
    expect(created.status).toBe(200);
    const silence = created.body.silence as Json;
    expect(silence).toMatchObject({ rule: 'event_backlog', reason: 'Backfill', created_by: 'ops-operator', ends_at: at(T0, 60 * MIN).toISOString() });
    expect((await send('/api/alerts/silences', 'operator', { rule: 'event_backlog', duration_minutes: 30, reason: 'again' })).status).toBe(409);
    const list = (await (await fetch(`${s.url}/api/alerts`, { headers: { authorization: `Bearer ${KEYS.viewer}` } })).json()) as Json;
    expect((list.alerts as Json[])[0]).toMatchObject({ state: 'silenced', silence: { id: silence.id } });

    expect((await send(`/api/alerts/silences/${String(silence.id)}/lift`, 'viewer')).status).toBe(403);
    const lifted = await send(`/api/alerts/silences/${String(silence.id)}/lift`, 'operator');
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ silence: { id: silence.id, lifted_by: 'ops-operator' } });
    expect((await send(`/api/alerts/silences/${String(silence.id)}/lift`, 'operator')).status).toBe(409);
    expect((await send('/api/alerts/silences/00000000-0000-4000-8000-000000000000/lift', 'operator')).status).toBe(404);
    expect((await historyOf(s.ctx.db, 'event_backlog')).map((h) => h.kind)).toEqual(['fired', 'silenced', 'silence_lifted']);
  });

  it('serves the same verbs as tRPC procedures (createCaller), with the same refusals', async () => {
    const trpc = (caller: typeof operator) => createCaller(asCaller(s.ctx, caller));
    await expect(trpc(viewer).alerts.acknowledge({ alert_id: alertId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await trpc(operator).alerts.acknowledge({ alert_id: alertId, note: 'mine' })).alert).toMatchObject({ state: 'acknowledged', acknowledged_by: operator.name });
    await expect(trpc(operator).alerts.acknowledge({ alert_id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(trpc(operator).alerts.silence({ rule: 'event_backlog', duration_minutes: 1, reason: 'r' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const { silence } = await trpc(operator).alerts.silence({ rule: 'event_backlog', duration_minutes: 15, reason: 'Known issue' });
    await expect(trpc(operator).alerts.silence({ rule: 'event_backlog', duration_minutes: 15, reason: 'Known issue' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await trpc(viewer).alerts.list({})).alerts[0]).toMatchObject({ state: 'silenced', acknowledged_by: operator.name });
    expect((await trpc(operator).alerts.liftSilence({ silence_id: silence.id })).silence.lifted_by).toBe(operator.name);
    expect((await trpc(viewer).alerts.list({})).alerts[0]!.history.map((h) => h.kind)).toEqual(['fired', 'acknowledged', 'silenced', 'silence_lifted']);
  });
});
