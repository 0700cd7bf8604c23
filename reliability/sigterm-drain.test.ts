/**
 * SIGTERM to a real server process (server/main.ts), as Kubernetes sends it
 * when a pod is deleted: readiness must turn 503 at once while the process
 * keeps serving (liveness and the API still answer, new connections are
 * still accepted) for SHUTDOWN_DRAIN_MS, so that the load balancer stops
 * sending before anything is refused; then the listener closes and the
 * process exits 0. A second signal skips the rest of the drain.
 *
 * Nothing here is timed: the in-drain checks run as soon as readiness is
 * seen to flip, and the order of the server's own log lines says what
 * followed what.
 */
import { describe, expect, it } from 'vitest';
import { scratchSpace } from './support/scratch-space';
import { type ServerProcess, sleep, startServerProcess } from './support/server-process';
import { tryConnect } from './support/slow-delivery';

/** Polls readiness until it stops answering 200; returns that first other answer. */
async function readinessAfterSignal(server: ServerProcess): Promise<{ status: number; body: { reason?: string }; retryAfter: string | null }> {
  for (;;) {
    const r = await fetch(`${server.url}/api/health/ready`);
    const body = (await r.json()) as { reason?: string };
    if (r.status !== 200) return { status: r.status, body, retryAfter: r.headers.get('retry-after') };
    await sleep(20);
  }
}

const linesOf = (log: string) => log.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { msg: string }).msg);

describe('SIGTERM drain on a real process', () => {
  const scratch = scratchSpace('pglite', 'sigterm-drain');

  it('ready turns 503 draining while live, the API and new connections are still served; the listener closes after the drain; exit 0', async () => {
    const { dir, env } = await scratch.create();
    // The default drain, set explicitly: the reliability environment turns it off for the other tests.
    const server = await startServerProcess({ name: 'drain', env: { ...env, SHUTDOWN_DRAIN_MS: '5000' }, logDir: dir });
    expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(200);

    server.signal('SIGTERM');
    const notReady = await readinessAfterSignal(server);
    expect(notReady).toMatchObject({ status: 503, body: { reason: 'draining' } });
    expect(Number(notReady.retryAfter)).toBeGreaterThan(0);

    // Still inside the drain: the process is alive and serving everything else.
    expect(server.alive()).toBe(true);
    expect(await tryConnect(server.port)).toBe('connected');
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/opal/sync`)).status).toBe(200);

    expect(await server.exited).toEqual({ code: 0, signal: null });
    const msgs = linesOf(server.log());
    const drainAt = msgs.findIndex((m) => m.startsWith('draining: readiness answers 503'));
    const closedAt = msgs.indexOf('stopped accepting connections');
    expect(drainAt).toBeGreaterThan(msgs.indexOf('shutting down'));
    expect(closedAt).toBeGreaterThan(drainAt);
    expect(msgs.some((m) => m.startsWith('shutdown took longer'))).toBe(false);
    scratch.passed();
  });
});

describe('a second signal during the drain', () => {
  const scratch = scratchSpace('pglite', 'sigterm-drain-twice');

  it('skips the rest of it: a ten-minute drain ends in exit 0 well within the test', async () => {
    const { dir, env } = await scratch.create();
    const server = await startServerProcess({ name: 'drain-twice', env: { ...env, SHUTDOWN_DRAIN_MS: '600000' }, logDir: dir });

    server.signal('SIGTERM');
    expect(await readinessAfterSignal(server)).toMatchObject({ status: 503, body: { reason: 'draining' } });
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);

    // Ctrl-C in a terminal, or an orchestrator's second TERM.
    server.signal('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const msgs = linesOf(server.log());
    expect(msgs.indexOf('stopped accepting connections')).toBeGreaterThan(msgs.indexOf('second signal: the rest of the drain is skipped'));
    expect(msgs.indexOf('second signal: the rest of the drain is skipped')).toBeGreaterThan(-1);
    scratch.passed();
  });
});
