import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { dedupKeyOf } from './dedup-key';
import { normalizeEvent } from './normalize-event';

const base = { event_type: 'agent.completed', workflow_id: 'wf-1', agent_id: 'geo_audit', offset: 3, timestamp: '2026-11-01T10:00:00Z' };

function fieldErrorsOf(body: unknown): { path: string; message: string }[] {
  try {
    normalizeEvent(body);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return ((e as DomainError).details?.field_errors ?? []) as { path: string; message: string }[];
  }
  throw new Error('expected a validation error');
}

describe('normalizeEvent', () => {
  it('maps a standard event and keeps unknown fields out of the way', () => {
    const e = normalizeEvent({ ...base, extra_field: { anything: 1 } });
    expect(e).toMatchObject({ eventType: 'agent.completed', workflowId: 'wf-1', agentId: 'geo_audit', offset: 3, outcome: 'success', knownAgent: true });
    expect(e.timestamp?.toISOString()).toBe('2026-11-01T10:00:00.000Z');
  });

  it.each([
    ['success', 'agent.completed', 'success'],
    ['failure', 'agent.failed', 'failure'],
    ['timeout', 'agent.failed', 'failure'],
    ['pending', 'agent.started', 'in_progress'],
  ])('maps the relay format with execution_status %s to %s', (status, type, outcome) => {
    const e = normalizeEvent({ workflow_id: 'wf-1', agent_id: 'geo_audit', execution_status: status });
    expect(e).toMatchObject({ eventType: type, outcome, offset: undefined });
  });

  it('takes failure text from where Opal put it', () => {
    expect(normalizeEvent({ ...base, event_type: 'agent.failed', error: { message: 'rate limited by CMS' } }).outcomeError).toBe(
      'rate limited by CMS',
    );
    expect(normalizeEvent({ ...base, execution_status: 'timeout' }).outcomeError).toMatch(/timeout/);
  });

  it('flags an agent outside the nine', () => {
    expect(normalizeEvent({ ...base, agent_id: 'new_agent' }).knownAgent).toBe(false);
  });

  it('names each bad field', () => {
    const paths = fieldErrorsOf({ event_type: 'agent.completed', workflow_id: '', offset: -1, timestamp: 'yesterday' }).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['workflow_id', 'offset', 'timestamp', 'agent_id']));
  });

  it('refuses an unknown event type and a body that is not an object', () => {
    expect(fieldErrorsOf({ ...base, event_type: 'agent.exploded' }).map((f) => f.path)).toContain('event_type');
    expect(fieldErrorsOf([base])[0]!.path).toBe('(body)');
  });
});

describe('dedupKeyOf', () => {
  const e = { workflowId: 'wf-1', eventType: 'agent.completed', agentId: 'a', offset: 1, agentData: { x: 1, y: [1, 2] } };
  it('prefers the delivery id, then the event id', () => {
    expect(dedupKeyOf({ ...e, webhookId: 'msg_1', sourceEventId: 'e1' })).toBe('wh:msg_1');
    expect(dedupKeyOf({ ...e, sourceEventId: 'e1' })).toBe('ev:wf-1:e1');
  });
  it('hashes the event identity, insensitive to key order but not to content', () => {
    const k = dedupKeyOf(e);
    expect(k).toMatch(/^h:[0-9a-f]{64}$/);
    expect(dedupKeyOf({ ...e, agentData: { y: [1, 2], x: 1 } })).toBe(k);
    expect(dedupKeyOf({ ...e, agentData: { x: 2, y: [1, 2] } })).not.toBe(k);
    expect(dedupKeyOf({ ...e, offset: 2 })).not.toBe(k);
  });
});
