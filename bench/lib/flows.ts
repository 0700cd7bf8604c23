import type { ChildServer } from './child-server';
import { eventBody } from './load';
import { signOsa } from '../../server/domain/webhooks/signature/osa-signature';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Time spent in this server per force sync: the simulator answers in-process at once, so this is our overhead. */
export async function measureForceSync(server: ChildServer): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < 220; i++) {
    const t = performance.now();
    const r = await fetch(`${server.url}/api/opal/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sync_scope":"priority_platforms"}' });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`force sync answered ${r.status}`);
    if (i >= 20) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return `${times.length} sequential calls: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`;
}

/** Events re-applied per second: 100 workflows of 20 stored events, each replayed with force_reprocess. */
export async function measureReplay(server: ChildServer, secret: string): Promise<string> {
  const runId = `replay${Date.now().toString(36)}`;
  for (let n = 0; n < 2000; n += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const { text } = eventBody(runId, n + i);
        const r = await fetch(`${server.url}/api/webhooks/opal-workflow`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-osa-signature': signOsa({ secret, rawBody: text, timestampMs: Date.now() }) },
          body: text,
        });
        await r.arrayBuffer();
      }),
    );
  }
  await new Promise((r) => setTimeout(r, 2000));
  const t = performance.now();
  let events = 0;
  for (let w = 0; w < 100; w++) {
    const r = await fetch(`${server.url}/api/orchestrations/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_id: `bench-${runId}-${w}`, replay_options: { force_reprocess: true } }),
    });
    const body = (await r.json()) as { processing_summary?: { successful_events?: number } };
    if (r.status !== 200) throw new Error(`replay answered ${r.status}: ${JSON.stringify(body)}`);
    events += body.processing_summary?.successful_events ?? 0;
  }
  const seconds = (performance.now() - t) / 1000;
  return `${events} events in 100 workflow replays: ${(events / seconds).toFixed(0)} events/s`;
}
