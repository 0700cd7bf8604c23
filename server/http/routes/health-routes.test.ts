import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';

describe.each(testDrivers)('GET /api/health on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  it('reports the database reachable, its driver, uptime and version', async () => {
    const res = await fetch(`${s.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toMatch(/^req-/);
    expect(await res.json()).toMatchObject({
      success: true,
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      uptime_seconds: expect.any(Number),
      database: { reachable: true, driver },
    });
  });

  it('answers an unknown API route with the JSON error shape and 404', async () => {
    const res = await fetch(`${s.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toMatchObject({ success: false, error: 'Not Found', correlation_id: res.headers.get('x-correlation-id') });
  });

  it('sends security headers and no x-powered-by', async () => {
    const res = await fetch(`${s.url}/api/health`);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
