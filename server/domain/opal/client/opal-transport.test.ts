import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpal, type FakeOpal } from '../../../test-support/fake-opal';
import { OpalConnectError, errorCode, fetchTransport, isConnectPhaseError } from './opal-transport';

let opal: FakeOpal;
beforeAll(async () => {
  opal = await startFakeOpal();
});
afterAll(async () => {
  await opal.close();
});

const req = (url: string, signal = new AbortController().signal) => ({ url, headers: { 'content-type': 'application/json' }, body: '{}', signal });

describe('fetchTransport', () => {
  it('returns status, lower-case headers and the body text', async () => {
    opal.setBehaviour({ kind: 'status', status: 429, retryAfter: '3', body: '{"error":"slow down"}' });
    const res = await fetchTransport()(req(opal.url));
    expect(res).toMatchObject({ status: 429, bodyText: '{"error":"slow down"}' });
    expect(res.headers['retry-after']).toBe('3');
  });

  it('turns a refused connection into OpalConnectError', async () => {
    await opal.refuseConnections();
    try {
      const e = await fetchTransport()(req(opal.url)).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(OpalConnectError);
      expect((e as OpalConnectError).code).toBe('ECONNREFUSED');
    } finally {
      await opal.acceptConnections();
    }
  });

  it('turns an unknown host into OpalConnectError', async () => {
    const e = await fetchTransport()(req('http://opal-fake.invalid/hook')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OpalConnectError);
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain((e as OpalConnectError).code);
  });

  it('rethrows a connection dropped after the request was sent as it is (it may have been sent)', async () => {
    const server: Server = createServer((s) => s.once('data', () => s.destroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const e = await fetchTransport()(req(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(Error);
      expect(e).not.toBeInstanceOf(OpalConnectError);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('rejects when the signal aborts', async () => {
    opal.setBehaviour({ kind: 'hang' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(fetchTransport()(req(opal.url, ac.signal))).rejects.toThrow();
    expect(ac.signal.aborted).toBe(true);
  });
});

describe('errorCode / isConnectPhaseError', () => {
  it('finds codes in the cause chain and in AggregateErrors', () => {
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    expect(errorCode(new TypeError('fetch failed', { cause: refused }))).toBe('ECONNREFUSED');
    expect(errorCode(new AggregateError([new Error('x'), refused]))).toBe('ECONNREFUSED');
    expect(isConnectPhaseError(new TypeError('fetch failed', { cause: refused }))).toBe(true);
    expect(isConnectPhaseError(new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(false);
    expect(isConnectPhaseError(new Error('plain'))).toBe(false);
  });
});
