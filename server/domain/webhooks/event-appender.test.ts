import { randomUUID } from 'node:crypto';
import { count, eq, max, sum } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventDuplicates, webhookEvents } from '../../db/schema';
import { openTestDatabase, type TestDatabase, testDrivers } from '../../test-support/test-database';
import { currentLogContext, newTrace, runInContext, type LogContext } from '../../tracing/log-context';
import { DomainError } from '../errors';
import { type AppendRow, EventAppender } from './event-appender';

function row(workflowId: string, overrides: Partial<AppendRow> = {}): AppendRow {
  const id = randomUUID();
  return {
    id,
    dedupKey: `ev:${workflowId}:${id}`,
    workflowId,
    eventType: 'workflow.started',
    payloadText: JSON.stringify({ workflow_id: workflowId }),
    payloadSize: 10,
    signatureScheme: 'osa',
    receivedAt: new Date(),
    outcome: 'in_progress',
    knownAgent: true,
    correlationId: 'test',
    ...overrides,
  };
}

describe.each(testDrivers)('EventAppender on %s', (driver) => {
  let t: TestDatabase;
  let appender: EventAppender;
  let flushes = 0;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    appender = new EventAppender(t.database, { onStored: () => flushes++ });
  });
  afterAll(() => t?.dispose());
  const stored = async (workflowId: string) =>
    (await t.database.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflowId)))[0]!.n;

  it('writes events appended in one tick as one batch', async () => {
    const wf = `wf-${randomUUID()}`;
    const before = flushes;
    const results = await Promise.all(Array.from({ length: 40 }, () => appender.append(row(wf))));
    expect(results.every((r) => r.stored)).toBe(true);
    expect(flushes - before).toBe(1);
    expect(await stored(wf)).toBe(40);
  });

  it("flushes in no request's log context, while each request's own code keeps its own after the commit", async () => {
    const wf = `wf-${randomUUID()}`;
    const inFlush: (LogContext | undefined)[] = [];
    const own = new EventAppender(t.database, { onStored: () => inFlush.push(currentLogContext()) });
    const afterCommit = await Promise.all(
      ['req-a', 'req-b'].map((correlationId) =>
        runInContext({ correlationId, trace: newTrace() }, async () => {
          await own.append(row(wf));
          return currentLogContext()?.correlationId;
        }),
      ),
    );
    expect(inFlush).toEqual([undefined]);
    expect(afterCommit).toEqual(['req-a', 'req-b']);
  });

  it('stores copies inside one batch once: the first is stored, the rest name it', async () => {
    const wf = `wf-${randomUUID()}`;
    const copies = Array.from({ length: 5 }, () => row(wf, { dedupKey: `ev:${wf}:same` }));
    const results = await Promise.all(copies.map((c) => appender.append(c)));
    expect(results.map((r) => r.stored)).toEqual([true, false, false, false, false]);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([copies[0]!.id]));
    expect(await stored(wf)).toBe(1);
  });

  it('counts the copies of an event, in its own batch and in later ones, with the last copy’s time', async () => {
    const wf = `wf-${randomUUID()}`;
    const key = `ev:${wf}:counted`;
    const first = row(wf, { dedupKey: key });
    await Promise.all([first, row(wf, { dedupKey: key }), row(wf, { dedupKey: key })].map((c) => appender.append(c)));
    const lastAt = new Date(Date.now() + 1000);
    await Promise.all([row(wf, { dedupKey: key }), row(wf, { dedupKey: key, receivedAt: lastAt })].map((c) => appender.append(c)));
    const [counted] = await t.database.db
      .select({ copies: sum(webhookEventDuplicates.copies), last: max(webhookEventDuplicates.lastAt) })
      .from(webhookEventDuplicates)
      .where(eq(webhookEventDuplicates.eventId, first.id));
    expect(Number(counted!.copies)).toBe(4);
    expect(counted!.last?.getTime()).toBe(lastAt.getTime());
    expect(await stored(wf)).toBe(1);
  });

  it('answers a copy of an event stored by an earlier batch with the original id', async () => {
    const wf = `wf-${randomUUID()}`;
    const first = row(wf, { dedupKey: `ev:${wf}:x` });
    await appender.append(first);
    const again = await appender.append(row(wf, { dedupKey: `ev:${wf}:x` }));
    expect(again).toEqual({ stored: false, id: first.id });
  });

  it('when one value fails the batch, stores the others and refuses only the guilty one with a 400', async () => {
    const wf = `wf-${randomUUID()}`;
    const good = Array.from({ length: 6 }, () => row(wf));
    const bad = row(wf, { payloadText: '{"not json' });
    const settled = await Promise.allSettled([...good.slice(0, 3), bad, ...good.slice(3)].map((r) => appender.append(r)));
    const rejected = settled.filter((s) => s.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason as DomainError;
    expect(reason).toBeInstanceOf(DomainError);
    expect(reason.kind).toBe('Validation');
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(6);
    expect(await stored(wf)).toBe(6);
  });
});

