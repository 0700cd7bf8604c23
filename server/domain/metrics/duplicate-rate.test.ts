import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsInputSchema } from '../../contracts/metrics';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa, postStandard } from '../../test-support/webhook-client';
import { getMetrics } from './get-metrics';
import { rollUpHours } from './roll-up-hours';

describe.each(testDrivers)('the overview’s duplicate rate on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
    const secret = s.config.webhook.secrets[0]!;
    // 3 events stored; 3 OSA copies of the first, 1 Standard Webhooks copy of the second: 7 deliveries, 4 copies.
    const [a, b, c] = [makeEvent(), makeEvent(), makeEvent()];
    expect((await postOsa(s.url, secret, a)).status).toBe(202);
    expect((await postStandard(s.url, secret, b, { id: 'msg_rate' })).status).toBe(202);
    expect((await postOsa(s.url, secret, c)).status).toBe(202);
    expect((await Promise.all([1, 2, 3].map(() => postOsa(s.url, secret, a)))).map((r) => r.status)).toEqual([409, 409, 409]);
    expect((await postStandard(s.url, secret, b, { id: 'msg_rate' })).status).toBe(200);
  });
  afterAll(() => s?.stop());

  const overview = (range: string) => getMetrics({ ctx: s.ctx, input: metricsInputSchema.parse({ range }) });

  it('gives copies over deliveries per bucket, read live (1 h, per minute)', async () => {
    const m = await overview('1h');
    expect(m.key_metrics.duplicate_rate).toEqual({ value: 57.14, deliveries: 7, duplicates: 4 });
    const busy = m.series.duplicates.filter((p) => p.deliveries > 0);
    expect(busy.reduce((n, p) => n + p.duplicates, 0)).toBe(4);
    expect(busy.reduce((n, p) => n + p.deliveries, 0)).toBe(7);
    expect(m.series.duplicates.filter((p) => p.deliveries === 0).every((p) => p.rate === null)).toBe(true);
  });

  it('gives the same from the hourly rollups (24 h, per hour)', async () => {
    await rollUpHours({ ctx: s.ctx });
    const m = await overview('24h');
    expect(m.key_metrics.duplicate_rate).toEqual({ value: 57.14, deliveries: 7, duplicates: 4 });
    const hour = m.series.duplicates.find((p) => p.deliveries > 0)!;
    // All seven arrived within this hour, unless the test straddled an hour's end.
    if (hour.deliveries === 7) expect(hour).toMatchObject({ duplicates: 4, rate: 57.14 });
  });
});
