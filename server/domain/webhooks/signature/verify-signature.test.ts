import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { sameHmacKey } from '../../../test-support/same-hmac-key';
import { signStandardWebhook } from '../../../test-support/sign-standard-webhook';
import { signOsa } from './osa-signature';
import { deriveStandardWebhookKey } from './standard-webhooks-signature';
import {
  MAX_AGE_MS,
  MAX_FUTURE_MS,
  createSignatureVerifier,
  verifySignature,
  type VerifyResult,
  type WebhookHeaders,
} from './verify-signature';

const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampSeconds: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const SPEC_HEADERS = {
  'webhook-id': SPEC.id,
  'webhook-timestamp': String(SPEC.timestampSeconds),
  'webhook-signature': SPEC.signature,
};
const SPEC_NOW = SPEC.timestampSeconds * 1000;

const OSA_SECRET = 'opal-shared-secret';
const OTHER_SECRET = 'a-different-secret';
const T = 1_700_000_000_000;
const BODY = Buffer.from('{"event_type":"workflow.started","workflow_id":"wf_123","offset":0}');

function newWhsec(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Every refusal is checked for leaks: no secret, no expected MAC in the message. */
function verify(input: { rawBody: Buffer; headers: WebhookHeaders; secrets: string[]; now: number }, forbidden: string[] = []): VerifyResult {
  const result = verifySignature(input);
  if (!result.ok) {
    for (const secret of input.secrets) {
      expect(result.message).not.toContain(secret);
      expect(result.message).not.toContain(secret.replace(/^whsec_/, ''));
    }
    for (const text of forbidden) expect(result.message).not.toContain(text);
  }
  return result;
}

function expectFailure(result: VerifyResult, reason: string, scheme?: string): void {
  expect(result).toMatchObject({ ok: false, reason });
  if (!result.ok) {
    expect(result.scheme).toBe(scheme);
    expect(result.message.length).toBeGreaterThan(0);
  }
}

/** Expected MACs for both schemes, to check messages never echo them. */
function expectedMacs(secret: string, timestampMs: number, id: string, body: Buffer): string[] {
  const osa = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestampMs}`).update(body).digest();
  const sw = createHmac('sha256', deriveStandardWebhookKey(secret))
    .update(`${id}.${Math.floor(timestampMs / 1000)}.`)
    .update(body)
    .digest();
  return [osa.toString('hex'), osa.toString('base64'), sw.toString('hex'), sw.toString('base64')];
}

describe('Standard Webhooks', () => {
  it('verifies the specification example', () => {
    const result = verify({ rawBody: Buffer.from(SPEC.body), headers: SPEC_HEADERS, secrets: [SPEC.secret], now: SPEC_NOW });
    expect(result).toEqual({
      ok: true,
      scheme: 'standard_webhooks',
      timestamp: new Date('2021-02-25T15:02:10.000Z'),
      webhookId: SPEC.id,
    });
  });

  it('verifies signatures made by the reference standardwebhooks package', () => {
    for (let i = 0; i < 20; i++) {
      const secret = newWhsec();
      const body = JSON.stringify({ event_type: 'agent.completed', i, text: 'héllo ✓' });
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const date = new Date(T + i * 1000);
      const signature = new Webhook(secret).sign(id, date, body);
      const result = verify({
        rawBody: Buffer.from(body),
        headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(date.getTime() / 1000)), 'webhook-signature': signature },
        secrets: [secret],
        now: date.getTime(),
      });
      expect(result).toEqual({ ok: true, scheme: 'standard_webhooks', timestamp: new Date(Math.floor(date.getTime() / 1000) * 1000), webhookId: id });
    }
  });

  it('verifies a reference signature made with a plain-text (non-base64) secret via the UTF-8 fallback', () => {
    const secret = 'my-plain-text-secret';
    const signature = new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' }).sign('msg_1', new Date(T), BODY);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(T / 1000), 'webhook-signature': signature };
    expect(verify({ rawBody: BODY, headers, secrets: [secret], now: T })).toMatchObject({ ok: true });
  });

  describe('refuses with invalid_signature', () => {
    const base = { rawBody: Buffer.from(SPEC.body), headers: SPEC_HEADERS, secrets: [SPEC.secret], now: SPEC_NOW };
    const forbidden = expectedMacs(SPEC.secret, SPEC_NOW, SPEC.id, Buffer.from(SPEC.body));

    it.each<[string, Partial<typeof base>]>([
      ['a tampered body', { rawBody: Buffer.from('{"test": 2432232315}') }],
      ['a body with a trailing newline', { rawBody: Buffer.from(`${SPEC.body}\n`) }],
      ['an empty body', { rawBody: Buffer.alloc(0) }],
      ['a wrong secret', { secrets: [newWhsec()] }],
      ['a wrong id', { headers: { ...SPEC_HEADERS, 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJel' } }],
      ['a swapped timestamp', { headers: { ...SPEC_HEADERS, 'webhook-timestamp': String(SPEC.timestampSeconds - 1) } }],
      ['a flipped signature bit', { headers: { ...SPEC_HEADERS, 'webhook-signature': 'v1,h0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' } }],
      ['a truncated signature', { headers: { ...SPEC_HEADERS, 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ' } }],
      ['a signature under another version', { headers: { ...SPEC_HEADERS, 'webhook-signature': `v2,AAAA ${SPEC.signature.replace('v1,', 'v1a,')} v1,AAAA` } }],
      [
        // Same bytes as the real signature (43rd char differs only in the 2 padding bits), but not the string the reference emits.
        'a non-canonical encoding of the right MAC',
        { headers: { ...SPEC_HEADERS, 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=' } },
      ],
      ['a signature of the wrong length', { headers: { ...SPEC_HEADERS, 'webhook-signature': `v1,${Buffer.from('x').toString('base64')}` } }],
    ])('%s', (_label, change) => {
      expectFailure(verify({ ...base, ...change }, forbidden), 'invalid_signature', 'standard_webhooks');
    });

    it('the non-canonical encoding really decodes to the same bytes', () => {
      expect(Buffer.from('g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=', 'base64')).toEqual(
        Buffer.from('g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', 'base64'),
      );
    });
  });

  it('accepts a header with several signatures when one matches', () => {
    const headers = {
      ...SPEC_HEADERS,
      'webhook-signature': `v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,whatever ${SPEC.signature} v1,AAAA`,
    };
    expect(verify({ rawBody: Buffer.from(SPEC.body), headers, secrets: [SPEC.secret], now: SPEC_NOW })).toMatchObject({ ok: true });
  });

  it('accepts a rotation: the second of two secrets matches', () => {
    const result = verify({ rawBody: Buffer.from(SPEC.body), headers: SPEC_HEADERS, secrets: [newWhsec(), SPEC.secret], now: SPEC_NOW });
    expect(result).toMatchObject({ ok: true, scheme: 'standard_webhooks' });
  });

  it('accepts a rotation where the sender signs with both old and new secrets and we only know the new one', () => {
    const oldSecret = newWhsec();
    const newSecret = newWhsec();
    const a = signStandardWebhook({ secret: oldSecret, id: 'msg_1', timestampSeconds: T / 1000, rawBody: BODY });
    const b = signStandardWebhook({ secret: newSecret, id: 'msg_1', timestampSeconds: T / 1000, rawBody: BODY });
    const headers = { ...a, 'webhook-signature': `${a['webhook-signature']} ${b['webhook-signature']}` };
    expect(verify({ rawBody: BODY, headers, secrets: [newSecret], now: T })).toMatchObject({ ok: true });
    expect(verify({ rawBody: BODY, headers, secrets: [oldSecret], now: T })).toMatchObject({ ok: true });
    expectFailure(verify({ rawBody: BODY, headers, secrets: [newWhsec()], now: T }), 'invalid_signature', 'standard_webhooks');
  });

  it('verifies raw bytes, not their UTF-8 text decoding', () => {
    const signed = signStandardWebhook({ secret: SPEC.secret, id: 'msg_1', timestampSeconds: T / 1000, rawBody: Buffer.from([0x7b, 0xff, 0x7d]) });
    expect(verify({ rawBody: Buffer.from([0x7b, 0xff, 0x7d]), headers: signed, secrets: [SPEC.secret], now: T })).toMatchObject({ ok: true });
    // 0xfe decodes to the same U+FFFD text as 0xff.
    expectFailure(
      verify({ rawBody: Buffer.from([0x7b, 0xfe, 0x7d]), headers: signed, secrets: [SPEC.secret], now: T }),
      'invalid_signature',
      'standard_webhooks',
    );
  });

  describe('timestamp window (checked only after the MAC matched)', () => {
    const ts = SPEC.timestampSeconds * 1000;
    const run = (now: number) => verify({ rawBody: Buffer.from(SPEC.body), headers: SPEC_HEADERS, secrets: [SPEC.secret], now });

    it('accepts exactly 300 s old and refuses 300.001 s', () => {
      expect(run(ts + 300_000)).toMatchObject({ ok: true });
      const stale = run(ts + 300_001);
      expectFailure(stale, 'stale_timestamp', 'standard_webhooks');
      expect(!stale.ok && stale.message).toBe('signature timestamp is 300.001 s old; the limit is 300 s');
    });

    it('accepts exactly 60 s ahead and refuses 60.001 s', () => {
      expect(run(ts - 60_000)).toMatchObject({ ok: true });
      const future = run(ts - 60_001);
      expectFailure(future, 'future_timestamp', 'standard_webhooks');
      expect(!future.ok && future.message).toBe('signature timestamp is 60.001 s in the future; the limit is 60 s');
    });

    it('refuses 5 minutes ahead, which the reference package would allow', () => {
      expectFailure(run(ts - 300_000), 'future_timestamp', 'standard_webhooks');
    });

    it('says plainly how old in whole seconds', () => {
      const result = run(ts + 412_000);
      expect(!result.ok && result.message).toBe('signature timestamp is 412 s old; the limit is 300 s');
    });

    it('answers invalid_signature, not stale or future, to a wrong MAC outside the window', () => {
      for (const now of [ts + 10 * 365 * 86_400_000, ts - 10 * 365 * 86_400_000, ts + 300_001, ts - 60_001]) {
        expectFailure(
          verify({ rawBody: Buffer.from('tampered'), headers: SPEC_HEADERS, secrets: [SPEC.secret], now }),
          'invalid_signature',
          'standard_webhooks',
        );
      }
    });
  });

  describe('refuses with malformed_signature', () => {
    const rawBody = Buffer.from(SPEC.body);
    it.each<[string, WebhookHeaders]>([
      ['no webhook-id', { 'webhook-signature': SPEC.signature, 'webhook-timestamp': '1614265330' }],
      ['no webhook-timestamp', { 'webhook-signature': SPEC.signature, 'webhook-id': SPEC.id }],
      ['only webhook-signature', { 'webhook-signature': SPEC.signature }],
      ['an empty webhook-signature', { ...SPEC_HEADERS, 'webhook-signature': '' }],
      ['an empty webhook-id', { ...SPEC_HEADERS, 'webhook-id': '' }],
      ['a non-ASCII webhook-id', { ...SPEC_HEADERS, 'webhook-id': 'msg_é' }],
      ['a non-numeric timestamp', { ...SPEC_HEADERS, 'webhook-timestamp': 'yesterday' }],
      ['a timestamp in milliseconds with a suffix', { ...SPEC_HEADERS, 'webhook-timestamp': '1614265330abc' }],
      ['a leading-zero timestamp', { ...SPEC_HEADERS, 'webhook-timestamp': '01614265330' }],
      ['a non-base64 signature', { ...SPEC_HEADERS, 'webhook-signature': 'v1,@@@@' }],
      ['no v1 signature', { ...SPEC_HEADERS, 'webhook-signature': 'v1a,AAAA' }],
      ['a repeated webhook-signature', { ...SPEC_HEADERS, 'webhook-signature': [SPEC.signature, SPEC.signature] }],
      ['a repeated webhook-id', { ...SPEC_HEADERS, 'webhook-id': [SPEC.id] }],
      ['a repeated webhook-timestamp', { ...SPEC_HEADERS, 'webhook-timestamp': ['1614265330', '1614265330'] }],
    ])('%s', (_label, headers) => {
      expectFailure(verify({ rawBody, headers, secrets: [SPEC.secret], now: SPEC_NOW }), 'malformed_signature', 'standard_webhooks');
    });

    it('names the missing headers', () => {
      const result = verify({ rawBody, headers: { 'webhook-signature': SPEC.signature }, secrets: [SPEC.secret], now: SPEC_NOW });
      expect(!result.ok && result.message).toContain('missing webhook-id and webhook-timestamp');
    });
  });

  it('takes precedence over a valid OSA header', () => {
    const headers = { ...SPEC_HEADERS, 'webhook-signature': 'v1,AAAA', 'x-osa-signature': signOsa({ secret: SPEC.secret, rawBody: BODY, timestampMs: T }) };
    expectFailure(verify({ rawBody: BODY, headers, secrets: [SPEC.secret], now: T }), 'invalid_signature', 'standard_webhooks');
  });
});

describe('OSA', () => {
  // Independent of signOsa: the MAC is built here with createHmac.
  const independentHeader = (secret: string, t: number, body: Buffer) =>
    `t=${t},v1=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.concat([Buffer.from(String(t)), body])).digest('hex')}`;
  const headersFor = (value: string | string[]) => ({ 'x-osa-signature': value, 'content-type': 'application/json' });
  const forbidden = expectedMacs(OSA_SECRET, T, '', BODY);

  it('verifies a known vector computed with createHmac', () => {
    const header = independentHeader(OSA_SECRET, T, BODY);
    expect(header).toBe(`t=${T},v1=d69016a99a9ecf9d3b98e9a56b247327658853e0fc88dc06d627a492221c658c`);
    expect(verify({ rawBody: BODY, headers: headersFor(header), secrets: [OSA_SECRET], now: T })).toEqual({
      ok: true,
      scheme: 'osa',
      timestamp: new Date(T),
    });
  });

  it('verifies upper-case hex and whitespace around parts', () => {
    const header = independentHeader(OSA_SECRET, T, BODY).toUpperCase().replace('T=', ' t = ').replace(',V1=', ' , v1= ');
    expect(verify({ rawBody: BODY, headers: headersFor(header), secrets: [OSA_SECRET], now: T })).toMatchObject({ ok: true });
  });

  it.each<[string, { rawBody?: Buffer; secrets?: string[]; header?: string }]>([
    ['a tampered body', { rawBody: Buffer.from(BODY.toString().replace('wf_123', 'wf_124')) }],
    ['an empty body', { rawBody: Buffer.alloc(0) }],
    ['a wrong secret', { secrets: [OTHER_SECRET] }],
    ['a secret that differs only by a whsec_ prefix', { secrets: [`whsec_${OSA_SECRET}`] }],
    ['a swapped timestamp', { header: independentHeader(OSA_SECRET, T, BODY).replace(`t=${T}`, `t=${T + 1}`) }],
    ['a MAC of the wrong length', { header: `t=${T},v1=${'ab'.repeat(31)}` }],
    ['a MAC of odd length', { header: `t=${T},v1=${independentHeader(OSA_SECRET, T, BODY).slice(-63)}` }],
    ['the right MAC under an unknown key', { header: independentHeader(OSA_SECRET, T, BODY).replace('v1=', 'v0=') + ',v1=00' }],
  ])('refuses %s with invalid_signature', (_label, change) => {
    const result = verify(
      {
        rawBody: change.rawBody ?? BODY,
        headers: headersFor(change.header ?? independentHeader(OSA_SECRET, T, BODY)),
        secrets: change.secrets ?? [OSA_SECRET],
        now: T,
      },
      forbidden,
    );
    expectFailure(result, 'invalid_signature', 'osa');
  });

  it('accepts several v1 entries when one matches', () => {
    const mac = independentHeader(OSA_SECRET, T, BODY).split('v1=')[1];
    const header = `t=${T},v1=${'0'.repeat(64)},v1=${mac},v1=ff`;
    expect(verify({ rawBody: BODY, headers: headersFor(header), secrets: [OSA_SECRET], now: T })).toMatchObject({ ok: true, scheme: 'osa' });
  });

  it('accepts a rotation: the second of two secrets matches', () => {
    const header = independentHeader(OSA_SECRET, T, BODY);
    expect(verify({ rawBody: BODY, headers: headersFor(header), secrets: [OTHER_SECRET, OSA_SECRET], now: T })).toMatchObject({ ok: true });
    expect(verify({ rawBody: BODY, headers: headersFor(header), secrets: [OSA_SECRET, OTHER_SECRET], now: T })).toMatchObject({ ok: true });
  });

  it('accepts a rotation where the sender sends one v1 per secret', () => {
    const a = independentHeader(OTHER_SECRET, T, BODY);
    const b = independentHeader(OSA_SECRET, T, BODY).split(',')[1];
    expect(verify({ rawBody: BODY, headers: headersFor(`${a},${b}`), secrets: [OSA_SECRET], now: T })).toMatchObject({ ok: true });
  });

  it('verifies what signOsa produces, keyed by the whole secret text', () => {
    const header = signOsa({ secret: SPEC.secret, rawBody: BODY, timestampMs: T });
    expect(verify({ rawBody: BODY, headers: headersFor(header), secrets: [SPEC.secret], now: T })).toMatchObject({ ok: true });
  });

  it.each([
    ['t=abc,v1=00'],
    ['v1=00'],
    ['t=1'],
    ['t=1,v1=zz'],
    [''],
    ['x'.repeat(100_000)],
    [`t=${T},v1=${'0'.repeat(64)},t=${T}`],
  ])('refuses the malformed header %j with malformed_signature', (header) => {
    expectFailure(verify({ rawBody: BODY, headers: headersFor(header), secrets: [OSA_SECRET], now: T }), 'malformed_signature', 'osa');
  });

  it('refuses a repeated header (array) with malformed_signature', () => {
    const header = independentHeader(OSA_SECRET, T, BODY);
    expectFailure(verify({ rawBody: BODY, headers: headersFor([header, header]), secrets: [OSA_SECRET], now: T }), 'malformed_signature', 'osa');
    expectFailure(verify({ rawBody: BODY, headers: headersFor([header]), secrets: [OSA_SECRET], now: T }), 'malformed_signature', 'osa');
  });

  describe('timestamp window (checked only after the MAC matched)', () => {
    const run = (now: number) =>
      verify({ rawBody: BODY, headers: headersFor(independentHeader(OSA_SECRET, T, BODY)), secrets: [OSA_SECRET], now });

    it('accepts exactly 300 s old and refuses 300.001 s', () => {
      expect(MAX_AGE_MS).toBe(300_000);
      expect(run(T + 300_000)).toMatchObject({ ok: true });
      const stale = run(T + 300_001);
      expectFailure(stale, 'stale_timestamp', 'osa');
      expect(!stale.ok && stale.message).toBe('signature timestamp is 300.001 s old; the limit is 300 s');
    });

    it('accepts exactly 60 s ahead and refuses 60.001 s', () => {
      expect(MAX_FUTURE_MS).toBe(60_000);
      expect(run(T - 60_000)).toMatchObject({ ok: true });
      const future = run(T - 60_001);
      expectFailure(future, 'future_timestamp', 'osa');
      expect(!future.ok && future.message).toBe('signature timestamp is 60.001 s in the future; the limit is 60 s');
    });

    it('reports a large age in whole seconds', () => {
      const result = run(T + 412_000);
      expect(!result.ok && result.message).toBe('signature timestamp is 412 s old; the limit is 300 s');
    });

    it('answers invalid_signature, not stale or future, to a wrong MAC outside the window', () => {
      const header = independentHeader(OTHER_SECRET, T, BODY);
      for (const now of [T + 3_600_000, T - 3_600_000, T + 300_001, T - 60_001, 0]) {
        expectFailure(verify({ rawBody: BODY, headers: headersFor(header), secrets: [OSA_SECRET], now }), 'invalid_signature', 'osa');
      }
    });
  });
});

describe('scheme selection and configuration', () => {
  it('answers missing_signature without any signature header', () => {
    for (const headers of [{}, { 'content-type': 'application/json' }, { 'x-osa-signature': undefined, 'webhook-signature': undefined }]) {
      const result = verify({ rawBody: BODY, headers, secrets: [OSA_SECRET], now: T });
      expectFailure(result, 'missing_signature', undefined);
      expect(result).not.toHaveProperty('scheme');
    }
  });

  it('answers missing_signature when only webhook-id and webhook-timestamp are present', () => {
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(T / 1000) };
    expectFailure(verify({ rawBody: BODY, headers, secrets: [OSA_SECRET], now: T }), 'missing_signature', undefined);
  });

  it('refuses to build a verifier without a usable secret', () => {
    expect(() => createSignatureVerifier([])).toThrow(/at least one/);
    expect(() => createSignatureVerifier([''])).toThrow(/empty/);
    expect(() => createSignatureVerifier([OSA_SECRET, 'whsec_'])).toThrow(/empty/);
    expect(() => verifySignature({ rawBody: BODY, headers: {}, secrets: [], now: T })).toThrow();
  });

  it('throws on a non-finite now rather than skipping the window', () => {
    const verifier = createSignatureVerifier([OSA_SECRET]);
    const headers = { 'x-osa-signature': signOsa({ secret: OSA_SECRET, rawBody: BODY, timestampMs: T }) };
    expect(() => verifier.verify({ rawBody: BODY, headers, now: Number.NaN })).toThrow(TypeError);
  });

  it('a verifier built once gives the same answers as verifySignature', () => {
    const verifier = createSignatureVerifier([OTHER_SECRET, SPEC.secret]);
    expect(verifier.verify({ rawBody: Buffer.from(SPEC.body), headers: SPEC_HEADERS, now: SPEC_NOW })).toEqual(
      verifySignature({ rawBody: Buffer.from(SPEC.body), headers: SPEC_HEADERS, secrets: [OTHER_SECRET, SPEC.secret], now: SPEC_NOW }),
    );
  });

  it('picks up a secrets array mutated in place (the cache compares contents)', () => {
    const secrets = [OSA_SECRET];
    const headers = { 'x-osa-signature': signOsa({ secret: OSA_SECRET, rawBody: BODY, timestampMs: T }) };
    expect(verifySignature({ rawBody: BODY, headers, secrets, now: T })).toMatchObject({ ok: true });
    secrets[0] = OTHER_SECRET;
    expectFailure(verifySignature({ rawBody: BODY, headers, secrets, now: T }), 'invalid_signature', 'osa');
    secrets.push(OSA_SECRET);
    expect(verifySignature({ rawBody: BODY, headers, secrets, now: T })).toMatchObject({ ok: true });
  });
});

describe('properties', () => {
  const anyCodeUnitString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 120 });
  const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
  const base64Mac = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
  const headerValue = fc.oneof(
    anyCodeUnitString,
    fc.array(anyCodeUnitString, { maxLength: 3 }),
    // Well-formed headers with random MACs, which reach the comparison.
    fc.tuple(fc.integer({ min: 0, max: 2 ** 45 }), fc.array(hex64, { minLength: 1, maxLength: 4 })).map(
      ([t, macs]) => `t=${t},${macs.map((m) => `v1=${m}`).join(',')}`,
    ),
    fc.array(base64Mac, { minLength: 1, maxLength: 4 }).map((macs) => macs.map((m) => `v1,${m}`).join(' ')),
    fc.integer({ min: 0, max: 2 ** 32 }).map(String),
  );
  const headers = fc.record(
    {
      'x-osa-signature': headerValue,
      'webhook-signature': headerValue,
      'webhook-id': headerValue,
      'webhook-timestamp': headerValue,
    },
    { requiredKeys: [] },
  );

  it('arbitrary header values never verify, and verifying never throws', () => {
    const secret = newWhsec();
    const verifier = createSignatureVerifier([secret, OSA_SECRET]);
    fc.assert(
      fc.property(headers, fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 2 ** 45 }), (h, body, now) => {
        const result = verifier.verify({ rawBody: Buffer.from(body), headers: h, now });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).not.toMatch(/timestamp/);
      }),
      { numRuns: 3000 },
    );
  });

  it('a request signed with one secret never verifies against a secret with a different key', () => {
    const secret = fc.oneof(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.uint8Array({ minLength: 1, maxLength: 32 }).map((b) => `whsec_${Buffer.from(b).toString('base64')}`),
    );
    fc.assert(
      fc.property(secret, secret, fc.uint8Array({ maxLength: 64 }), fc.boolean(), (signer, verifierSecret, body, standard) => {
        const rawBody = Buffer.from(body);
        const sameKey = standard
          ? sameHmacKey(deriveStandardWebhookKey(signer), deriveStandardWebhookKey(verifierSecret))
          : sameHmacKey(Buffer.from(signer, 'utf8'), Buffer.from(verifierSecret, 'utf8'));
        fc.pre(!sameKey);
        const h: WebhookHeaders = standard
          ? { ...signStandardWebhook({ secret: signer, id: 'msg_1', timestampSeconds: T / 1000, rawBody }) }
          : { 'x-osa-signature': signOsa({ secret: signer, rawBody, timestampMs: T }) };
        expectFailure(
          verifySignature({ rawBody, headers: h, secrets: [verifierSecret], now: T }),
          'invalid_signature',
          standard ? 'standard_webhooks' : 'osa',
        );
        // And the right secret does verify, so the refusal above is about the key.
        expect(verifySignature({ rawBody, headers: h, secrets: [signer], now: T }).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('changing any single body byte makes a valid request fail', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (body, at, delta) => {
        const rawBody = Buffer.from(body);
        const tampered = Buffer.from(body);
        const i = at % tampered.length;
        tampered[i] = (tampered[i]! + delta) % 256;
        const osa = { 'x-osa-signature': signOsa({ secret: OSA_SECRET, rawBody, timestampMs: T }) };
        const sw = signStandardWebhook({ secret: SPEC.secret, id: 'msg_1', timestampSeconds: T / 1000, rawBody });
        for (const h of [osa, sw] as WebhookHeaders[]) {
          expect(verifySignature({ rawBody, headers: h, secrets: [OSA_SECRET, SPEC.secret], now: T }).ok).toBe(true);
          expect(verifySignature({ rawBody: tampered, headers: h, secrets: [OSA_SECRET, SPEC.secret], now: T })).toMatchObject({
            ok: false,
            reason: 'invalid_signature',
          });
        }
      }),
    );
  });
});
