import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { asc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { dedupKeyOf } from '../domain/webhooks/dedup-key';
import { migrationsFolder } from '../paths';
import * as schema from './schema';

/** The migrations folder as it was before `tag` (and without it): a database of that age. */
function foldersUpTo(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ofs-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === tag));
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migration 0004: escaped event-id dedup keys', () => {
  const old = foldersUpTo('0004_dedup_key_escaping');
  afterAll(() => rmSync(old, { recursive: true, force: true }));

  it('rewrites the keys of events whose ids hold ":" or "%" to what the server now computes, and leaves the others alone', async () => {
    const pg = new PGlite();
    const db = drizzle(pg, { schema });
    await migrate(db, { migrationsFolder: old });
    const row = (id: string, dedupKey: string, workflowId: string, sourceEventId: string | null) => ({
      id,
      dedupKey,
      workflowId,
      sourceEventId,
      eventType: 'agent.completed',
      payload: {},
      payloadSize: 2,
      signatureScheme: 'osa',
      receivedAt: new Date(),
      outcome: 'success',
      knownAgent: true,
      correlationId: 'test',
    });
    // Keys as the old format made them; the second and third ids would have collided with each other's shape.
    const rows = [
      row('00000000-0000-4000-8000-000000000001', 'ev:wf-1:evt-1', 'wf-1', 'evt-1'),
      row('00000000-0000-4000-8000-000000000002', 'ev:a:b:c', 'a:b', 'c'),
      row('00000000-0000-4000-8000-000000000003', 'ev:a%3Ab:d', 'a%3Ab', 'd'),
      row('00000000-0000-4000-8000-000000000004', 'ev:wf:100%', 'wf', '100%'),
      row('00000000-0000-4000-8000-000000000005', 'wh:msg_a:b', 'x:y', 'z'),
      row('00000000-0000-4000-8000-000000000006', 'h:abc', 'p:q', null),
    ];
    await db.insert(schema.webhookEvents).values(rows as never);
    await migrate(db, { migrationsFolder });
    const after = await db
      .select({ dedupKey: schema.webhookEvents.dedupKey })
      .from(schema.webhookEvents)
      .orderBy(asc(schema.webhookEvents.id));
    expect(after.map((r) => r.dedupKey)).toEqual([
      'ev:wf-1:evt-1',
      dedupKeyOf({ workflowId: 'a:b', sourceEventId: 'c', eventType: 'x' }),
      dedupKeyOf({ workflowId: 'a%3Ab', sourceEventId: 'd', eventType: 'x' }),
      dedupKeyOf({ workflowId: 'wf', sourceEventId: '100%', eventType: 'x' }),
      'wh:msg_a:b',
      'h:abc',
    ]);
    expect(after[1]!.dedupKey).toBe('ev:a%3Ab:c');
    await pg.close();
  });
});
