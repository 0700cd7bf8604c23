import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server';

describe('the tRPC endpoint over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
  });
  afterAll(() => s?.stop());

  it('answers a body over the JSON limit with 413 without reading it whole, and a body under it normally', async () => {
    const call = (bytes: number) =>
      fetch(`${s.url}/trpc/users.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'a@acme.test', password: 'x'.repeat(bytes), role: 'viewer' }),
      });
    const big = await call(200 * 1024);
    expect(big.status).toBe(413);
    // Under the limit the input reaches the procedure's own validation.
    const small = await call(40 * 1024);
    expect(small.status).toBe(400);
    expect(await small.text()).toMatch(/password/);
  });
});
