import { describe, expect, it } from 'vitest';
import { headerValue, opalErrorText, parseRetryAfter, parseTriggerAnswer } from './opal-response';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });
  it('reads an HTTP date, a past one as 0', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or invalid values', () => {
    for (const v of [undefined, '', '  ', '-3', '1.5', 'soon', 'Fri, 99 Foo 2025']) expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('parseTriggerAnswer', () => {
  it('reads workflow_id, else id, and session_id', () => {
    expect(parseTriggerAnswer('{"workflow_id":"wf-1","session_id":"s-1"}')).toEqual({ workflowId: 'wf-1', sessionId: 's-1' });
    expect(parseTriggerAnswer('{"id":"wf-2"}')).toEqual({ workflowId: 'wf-2', sessionId: null });
    expect(parseTriggerAnswer('{"workflow_id":"","id":42}')).toEqual({ workflowId: '42', sessionId: null });
  });
  it('refuses a body that is not a JSON object with an id', () => {
    for (const t of ['', '<html>', '[]', 'null', '"wf"', '{"session_id":"s"}', '{"workflow_id":null}']) expect(parseTriggerAnswer(t)).toBeUndefined();
  });
});

describe('headerValue', () => {
  it('is case-insensitive', () => {
    expect(headerValue({ 'Retry-After': '3' }, 'retry-after')).toBe('3');
    expect(headerValue({}, 'retry-after')).toBeUndefined();
  });
});

describe('opalErrorText', () => {
  it('takes a message from a JSON error body, masks the secret and shortens it', () => {
    expect(opalErrorText('{"message":"invalid token sekret-123"}', 'sekret-123')).toBe('invalid token [redacted]');
    expect(opalErrorText('{"error":{"message":"nope"}}', 'k')).toBe('nope');
    expect(opalErrorText('{"error":"bad"}', 'k')).toBe('bad');
    expect(opalErrorText(JSON.stringify({ message: 'x'.repeat(500) }), 'k')!.length).toBe(201);
  });
  it('masks an echo cut short, and each of several secrets, but leaves short coincidences alone', () => {
    const key = 'opal-key-0123456789abcdef';
    expect(opalErrorText(JSON.stringify({ message: `Token 0123456789abc… is not valid` }), key)).toBe('Token [redacted]… is not valid');
    expect(opalErrorText(JSON.stringify({ message: `no workflow at /hooks/s3cr3t-path for opal-key-0123` }), [key, '/hooks/s3cr3t-path'])).toBe(
      'no workflow at [redacted] for [redacted]',
    );
    expect(opalErrorText(JSON.stringify({ message: 'opal-ke is wrong: 0123456' }), key)).toBe('opal-ke is wrong: 0123456');
  });
  it('gives nothing for non-JSON bodies', () => {
    expect(opalErrorText('<html>error sekret</html>', 'sekret')).toBeUndefined();
    expect(opalErrorText('{"status":1}', 'k')).toBeUndefined();
  });
});
