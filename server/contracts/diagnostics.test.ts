import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fieldErrorsOf } from '../domain/shared/parse-input';
import {
  cleanupOldEventsInputSchema,
  decodeEventCursor,
  diagnosticsActionNameSchema,
  encodeEventCursor,
  lastWebhookQuerySchema,
} from './diagnostics';

const fieldsOf = (r: { success: boolean; error?: z.ZodError }) => (r.error ? fieldErrorsOf(r.error).map((f) => f.path) : []);

describe('lastWebhookQuerySchema', () => {
  it('defaults to 25 events of every status', () => {
    expect(lastWebhookQuerySchema.parse({})).toEqual({ limit: 25, status: 'all' });
  });

  it('reads query-string text and typed values alike', () => {
    const text = lastWebhookQuerySchema.parse({ limit: '10', q: '{"agent_data":{"score":3}}', start_date: '2024-01-15T00:00:00Z' });
    const typed = lastWebhookQuerySchema.parse({ limit: 10, q: { agent_data: { score: 3 } }, start_date: new Date('2024-01-15T00:00:00Z') });
    expect(text).toEqual(typed);
    expect(text.start_date?.toISOString()).toBe('2024-01-15T00:00:00.000Z');
  });

  it('accepts a plain date as midnight UTC and a date-time with an offset', () => {
    const r = lastWebhookQuerySchema.parse({ start_date: '2024-01-15', end_date: '2024-01-15T23:59:59+02:00' });
    expect(r.start_date?.toISOString()).toBe('2024-01-15T00:00:00.000Z');
    expect(r.end_date?.toISOString()).toBe('2024-01-15T21:59:59.000Z');
  });

  it.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '501' }],
    ['limit', { limit: '2.5' }],
    ['limit', { limit: 'ten' }],
    ['limit', { limit: ['1', '2'] }],
    ['status', { status: 'broken' }],
    ['start_date', { start_date: 'yesterday' }],
    ['start_date', { start_date: '2024-02-30' }],
    ['end_date', { end_date: '2024-01-15T10:00:00' }],
    ['end_date', { start_date: '2024-01-16', end_date: '2024-01-15' }],
    ['q', { q: '{"agent_data":' }],
    ['q', { q: '[1,2]' }],
    ['q', { q: '"text"' }],
    ['q', { q: 'null' }],
    ['workflow_id', { workflow_id: 'wf\u0000' }],
    ['workflow_id', { workflow_id: '' }],
    ['event_type', { event_type: 'agent.exploded' }],
    ['cursor', { cursor: 'bm90IGEgY3Vyc29y' }],
    ['surprise', { surprise: '1' }],
  ])('refuses a bad %s', (field, query) => {
    expect(fieldsOf(lastWebhookQuerySchema.safeParse(query))).toContain(field);
  });
});

describe('event cursors', () => {
  it('round-trip, and refuse anything they did not make', () => {
    const c = { receivedAt: '2026-01-02T03:04:05.123456Z', id: '7d7d7d7d-0000-4000-8000-000000000000' };
    expect(decodeEventCursor(encodeEventCursor(c))).toEqual(c);
    expect(encodeEventCursor(c)).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const bad of ['', '!!!', btoa("2026-01-02T03:04:05.123456Z|' or 1=1 --"), btoa('2026-01-02|x'), 'a'.repeat(300)]) {
      expect(decodeEventCursor(bad)).toBeNull();
    }
  });
});

describe('diagnostics actions', () => {
  it('names the valid actions when the action is unknown', () => {
    const r = diagnosticsActionNameSchema.safeParse({ action: 'drop_everything' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('test_configuration, cleanup_old_events');
  });

  it.each([0, -1, 1.5, '30', 36_501])('refuses retention_days %s', (days) => {
    expect(fieldsOf(cleanupOldEventsInputSchema.safeParse({ action: 'cleanup_old_events', retention_days: days }))).toEqual(['retention_days']);
  });

  it('leaves retention_days to the configured policy when absent', () => {
    expect(cleanupOldEventsInputSchema.parse({ action: 'cleanup_old_events' })).toEqual({ action: 'cleanup_old_events' });
  });
});
