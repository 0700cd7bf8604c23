import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server';

describe('the request log', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
  });
  afterAll(() => s?.stop());

  const lineOf = (correlationId: string) =>
    s.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.correlation_id === correlationId && l.req !== undefined);

  it('writes one line per answer: method, path without the query, status, duration, level by status', async () => {
    await fetch(`${s.url}/api/health?token=should-not-appear`, { headers: { 'x-correlation-id': 'log-test-ok' } });
    await fetch(`${s.url}/api/no-such-route`, { headers: { 'x-correlation-id': 'log-test-404' } });
    await new Promise((r) => setTimeout(r, 50));
    const ok = lineOf('log-test-ok');
    expect(ok).toMatchObject({ service: 'opal-force-sync', level: 30, req: { method: 'GET', path: '/api/health' }, res: { status: 200 }, msg: 'GET /api/health 200' });
    expect(ok!.duration_ms).toEqual(expect.any(Number));
    expect(lineOf('log-test-404')).toMatchObject({ level: 40, res: { status: 404 } });
    expect(s.logs.join('\n')).not.toContain('should-not-appear');
  });
});
