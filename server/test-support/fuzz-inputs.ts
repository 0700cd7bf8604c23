/**
 * Seeded generators of bad HTTP input for the route fuzz test: every route
 * the server declares (REST_ROUTES, every tRPC procedure) plus paths it does
 * not, each hit with broken bodies, headers and query strings. Everything is
 * drawn from one seeded PRNG, so a seed replays a run request for request.
 */
import type { z } from 'zod';
import type { RestRoute } from './rest-route-list';

/**
 * Percent-encodes the UTF-8 bytes of any text. encodeURIComponent throws on a
 * lone surrogate; Buffer turns it into U+FFFD, which is what a client would send.
 */
export const pctEncode = (text: string): string => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** mulberry32: small, fast, and the same sequence on every platform. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** Text Node's HTTP client accepts in a header value: tab, printable ASCII, and 0x80–0xff. */
  headerText(max: number): string {
    let s = '';
    const n = this.int(max + 1);
    for (let i = 0; i < n; i++) {
      const c = this.int(10) === 0 ? 0x80 + this.int(128) : this.int(20) === 0 ? 0x09 : 0x20 + this.int(95);
      s += String.fromCharCode(c);
    }
    return s;
  }
  /** Any UTF-16 code units, NUL and lone surrogates included. */
  anyText(max: number): string {
    let s = '';
    const n = this.int(max + 1);
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.chance(0.5) ? this.int(0x80) : this.int(0x10000));
    return s;
  }
}

export type RouteClass = 'webhook' | 'rest-write' | 'rest-read' | 'trpc-query' | 'trpc-mutation' | 'unknown';

export interface FuzzTarget {
  cls: RouteClass;
  /** As the server declares it, e.g. `GET /api/opal/sync/:sync_id` or `trpc workflows.get`. */
  label: string;
  method: string;
  /** A path template (`:name` segments are filled per request). */
  path: string;
  body?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  /** A body (or tRPC input) the route accepts, to mutate from. */
  sample?: unknown;
  trpcPath?: string;
}

export interface FuzzRequest {
  method: string;
  /** Path and query string, already encoded (or deliberately mis-encoded). */
  url: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
  /** How the input was made, for failure messages. */
  how: string;
  /** Send the body in chunks, without Content-Length. */
  chunked: boolean;
}

export interface FuzzOptions {
  /** Bearer tokens worth trying besides garbage (valid API keys in the authorised round). */
  tokens?: readonly string[];
  /** The webhook body limit: bodies just over it are sent to the webhook route. */
  webhookMaxBytes: number;
}

// ---- schema introspection (zod 4) ----

interface ZodDefLike {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: { _zod?: { def?: ZodDefLike } };
  in?: { _zod?: { def?: ZodDefLike } };
  options?: { _zod?: { def?: ZodDefLike } }[];
}

/** The field names of an object schema, through optional/default/pipe/union wrappers. */
export function fieldsOf(schema: z.ZodType | undefined): string[] {
  const names = new Set<string>();
  const walk = (def: ZodDefLike | undefined, depth: number) => {
    if (!def || depth > 6) return;
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) names.add(k);
    walk(def.innerType?._zod?.def, depth + 1);
    walk(def.in?._zod?.def, depth + 1);
    for (const o of def.options ?? []) walk(o._zod?.def, depth + 1);
  };
  walk((schema as unknown as { _zod?: { def?: ZodDefLike } } | undefined)?._zod?.def, 0);
  return [...names];
}

// ---- building blocks ----

const SQLISH = ["' OR '1'='1", "1; DROP TABLE webhook_events; --", '" OR ""="', "') OR 1=1 --", 'admin\'--', '1 UNION SELECT password FROM users'];
const PERCENT_GARBAGE = ['%', '%%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%ff%fe', '%u0041', '%2', '%25%', '%F0%9F%98'];

/** A value of a wrong (or hostile) type for any field. */
function wrongValue(rng: Rng): unknown {
  switch (rng.int(22)) {
    case 0: return null;
    case 1: return true;
    case 2: return 0;
    case 3: return -1;
    case 4: return 1.5;
    case 5: return Number.MAX_SAFE_INTEGER * 4;
    case 6: return '';
    case 7: return 'x'.repeat(5_000 + rng.int(20_000));
    case 8: return [];
    case 9: return [1, 'a', null, {}];
    case 10: return {};
    case 11: return { $gt: '' };
    case 12: return rng.pick(SQLISH);
    case 13: return `a\u0000b`;
    case 14: return `\ud800${rng.anyText(5)}`;
    case 15: return '2024-13-45T99:99:99Z';
    case 16: return '-271821-04-20T00:00:00Z';
    case 17: return 8.64e15;
    case 18: return rng.anyText(40);
    case 19: return { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
    case 20: return '00000000-0000-0000-0000-000000000000';
    default: return [[[[[[[['deep']]]]]]]];
  }
}

function mutateObject(rng: Rng, sample: unknown, fields: string[]): { value: unknown; how: string } {
  const base: Record<string, unknown> =
    sample !== null && typeof sample === 'object' && !Array.isArray(sample) ? structuredClone(sample as Record<string, unknown>) : {};
  const names = fields.length > 0 ? fields : Object.keys(base);
  switch (rng.int(4)) {
    case 0: {
      const f = names.length > 0 ? rng.pick(names) : 'x';
      base[f] = wrongValue(rng);
      return { value: base, how: `wrong type for ${f}` };
    }
    case 1: {
      for (let i = 0; i < 1 + rng.int(3); i++) base[rng.pick(['extra', '__proto__', 'constructor', 'prototype', rng.anyText(8)])] = wrongValue(rng);
      return { value: base, how: 'extra fields' };
    }
    case 2: {
      const f = names.length > 0 ? rng.pick(names) : 'x';
      delete base[f];
      return { value: base, how: `missing ${f}` };
    }
    default: {
      for (const f of names) if (rng.chance(0.5)) base[f] = wrongValue(rng);
      return { value: base, how: 'several wrong fields' };
    }
  }
}

/** Caches the big inputs: they are the same every time and costly to build. */
const big = new Map<string, Buffer>();
function cached(key: string, make: () => Buffer): Buffer {
  let b = big.get(key);
  if (!b) {
    b = make();
    big.set(key, b);
  }
  return b;
}
export const deepArray = (levels: number) => cached(`arr${levels}`, () => Buffer.from('['.repeat(levels) + ']'.repeat(levels)));
export const deepObject = (levels: number) => cached(`obj${levels}`, () => Buffer.from('{"a":'.repeat(levels) + '1' + '}'.repeat(levels)));
const hugeJson = (bytes: number) =>
  cached(`huge${bytes}`, () => Buffer.from(JSON.stringify({ event_type: 'workflow.started', workflow_id: 'wf', offset: 0, pad: 'x'.repeat(bytes) })));

/** A body: JSON text of a (mutated) value, or bytes that are not JSON at all. */
function makeBody(rng: Rng, target: FuzzTarget, opts: FuzzOptions): { body: Buffer; how: string } {
  const fields = fieldsOf(target.body);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null');
  const sampleText = json(target.sample ?? {});
  switch (rng.int(16)) {
    case 0: return { body: rng.bytes(rng.int(2_000)), how: 'random bytes' };
    case 1: return { body: Buffer.concat([Buffer.from('{"workflow_id":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]), how: 'invalid UTF-8' };
    case 2: return { body: sampleText.subarray(0, rng.int(sampleText.length)), how: 'truncated JSON' };
    case 3: {
      const b = Buffer.from(sampleText);
      for (let i = 0; i < 1 + rng.int(3); i++) b[rng.int(b.length)] = rng.int(256);
      return { body: b, how: 'mutated JSON bytes' };
    }
    case 4: {
      const size = rng.pick([100 * 1024, opts.webhookMaxBytes, 2 * 1024 * 1024]) + 10;
      return { body: hugeJson(size), how: `JSON over ${size} bytes` };
    }
    case 5: return { body: rng.chance(0.5) ? deepArray(10_000) : deepObject(10_000), how: 'JSON nested 10,000 levels' };
    case 6: return { body: rng.chance(0.5) ? deepArray(65) : deepObject(65), how: 'JSON nested 65 levels' };
    case 7:
    case 8:
    case 9: {
      const m = mutateObject(rng, target.sample, fields);
      return { body: json(m.value), how: m.how };
    }
    case 10: return { body: Buffer.from(rng.pick(['', 'null', '[]', '"text"', '0', 'true', '{}', '{"a":1e400}', '{"a":"\\u0000"}', '{"a":"\\ud800"}', '{"__proto__":{"x":1}}', '{"a":1,"a":2}'])), how: 'odd JSON' };
    case 11: {
      const m = mutateObject(rng, target.sample, fields);
      // 1e400 parses to Infinity: a number no database column can hold.
      return { body: Buffer.from((JSON.stringify(m.value) ?? '{}').replace(/(-?\d+(?:\.\d+)?)(?=[,}\]])/, '1e400')), how: `${m.how}, huge number` };
    }
    case 12: return { body: Buffer.from(`{"a":"${'\\u0000'.repeat(3)}","b":"\\udfff","${rng.pick(SQLISH).replace(/"/g, '\\"')}":1}`), how: 'escapes jsonb refuses' };
    case 13: return { body: Buffer.from(rng.anyText(300), 'utf16le'), how: 'UTF-16 bytes' };
    default: return { body: sampleText, how: 'valid sample' };
  }
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'application/json;',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  '',
  ';;;',
  '*/*',
];

function garbageHeaders(rng: Rng, opts: FuzzOptions, now: number): { headers: Record<string, string | string[]>; how: string[] } {
  const h: Record<string, string | string[]> = {};
  const how: string[] = [];
  const set = (name: string, value: string | string[]) => {
    h[name] = value;
    how.push(name);
  };
  if (rng.chance(0.85)) set('content-type', rng.chance(0.1) ? rng.headerText(60) : rng.pick(CONTENT_TYPES));
  if (rng.chance(0.05)) set('content-encoding', rng.pick(['gzip', 'deflate', 'br', 'identity', 'x-bogus', 'gzip, deflate']));
  if (rng.chance(0.25)) {
    const hex = rng.bytes(32).toString('hex');
    set('x-osa-signature', rng.pick([`t=${now},v1=${hex}`, `t=${now - 3_600_000},v1=${hex}`, `t=${now},v1=${hex},v1=zz`, rng.headerText(100), 't=,v1=', `t=${'9'.repeat(30)},v1=${hex}`]));
  }
  if (rng.chance(0.2)) {
    set('webhook-id', rng.chance(0.7) ? `msg_${rng.int(1e9)}` : rng.headerText(300));
    set('webhook-timestamp', rng.pick([String(Math.floor(now / 1000)), '0', '-1', '1e10', rng.headerText(20), '99999999999999999999']));
    set('webhook-signature', rng.pick([`v1,${rng.bytes(32).toString('base64')}`, `v1,${rng.headerText(50)}`, 'v1,', rng.headerText(200), `v1a,${rng.bytes(64).toString('base64')}`]));
  }
  if (rng.chance(0.35)) {
    const token = opts.tokens && opts.tokens.length > 0 && rng.chance(0.25) ? rng.pick(opts.tokens) : undefined;
    set(
      'authorization',
      token
        ? rng.pick([`Bearer ${token}`, `bearer  ${token}  `, `Bearer ${token}x`, `Basic ${Buffer.from(`u:${token}`).toString('base64')}`, `Bearer ${token} extra`])
        : rng.pick(['Bearer', 'Bearer ', `Bearer ${rng.headerText(60)}`, `Basic ${rng.headerText(30)}`, rng.headerText(100), `Bearer ${'a'.repeat(8_000)}`, 'Bearer \u00ff\u00fe', 'Negotiate xyz']),
    );
  }
  if (rng.chance(0.2)) set('idempotency-key', rng.pick([`key-${rng.int(20)}`, rng.headerText(40), 'k'.repeat(300), 'has space', '', `${rng.int(1e6)}`]));
  if (rng.chance(0.2)) {
    set('cookie', rng.pick([`ofs_session=${rng.headerText(40)}`, 'ofs_session=%E0%A4%A', 'ofs_session=', `ofs_session=${'a'.repeat(64)}; ofs_session=b`, rng.headerText(200), '=;=;;', 'ofs_session="unterminated']));
  }
  if (rng.chance(0.15)) set('origin', rng.pick(['null', 'http://evil.example', rng.headerText(30), '://', 'http://[::1', 'http://127.0.0.1:1']));
  if (rng.chance(0.1)) set('sec-fetch-site', rng.pick(['cross-site', 'same-site', 'none', rng.headerText(10)]));
  if (rng.chance(0.15)) set('x-correlation-id', rng.pick([rng.headerText(200), 'ok-id-1', 'x'.repeat(129), ' spaced ']));
  if (rng.chance(0.1)) set('accept', rng.pick(['*/*', 'text/html', rng.headerText(50), 'application/json;q=0']));
  if (rng.chance(0.05)) set('x-forwarded-for', rng.pick(['1.2.3.4', rng.headerText(50), '::1, 10.0.0.1, garbage']));
  if (rng.chance(0.05)) set('x-osa-signature', [`t=${now},v1=${'a'.repeat(64)}`, `t=${now},v1=${'b'.repeat(64)}`]);
  if (rng.chance(0.03)) set(`x-${rng.int(1000)}`, rng.headerText(4_000));
  return { headers: h, how };
}

function garbageQuery(rng: Rng, fields: string[]): string {
  const parts: string[] = [];
  const keys = fields.length > 0 ? fields : ['limit', 'status', 'q'];
  const value = (): string =>
    rng.pick([
      encodeURIComponent(String(rng.pick(['-1', '0', '1e9', 'abc', 'true', 'null', '[]', '{}', '2024-13-45', '9'.repeat(40), 'custom', 'all']))),
      rng.pick(PERCENT_GARBAGE),
      encodeURIComponent(rng.pick(SQLISH)),
      'x'.repeat(rng.pick([100, 5_000, 12_000])),
      pctEncode(rng.anyText(20)).replace(/%/g, rng.chance(0.2) ? '%%' : '%'),
      encodeURIComponent('{"agent_data":{"score":3}}'),
      encodeURIComponent('{"a":"\u0000"}'),
      '',
    ]);
  for (let i = 0; i < 1 + rng.int(5); i++) {
    const k = rng.chance(0.75) ? rng.pick(keys) : rng.pick(['a', 'a[]', 'a[b]', '__proto__', 'constructor[prototype][x]', '', '%zz', 'limit[]', 'q[x]']);
    switch (rng.int(5)) {
      case 0: parts.push(`${k}=${value()}`, `${k}=${value()}`); break; // repeated key
      case 1: parts.push(`${k}[]=${value()}`); break;
      case 2: parts.push(`${k}[b]=${value()}`); break;
      case 3: parts.push(k); break; // no `=`
      default: parts.push(`${k}=${value()}`);
    }
  }
  if (rng.chance(0.05)) parts.push('&&&', '=', '==');
  return parts.join('&');
}

function fillPath(rng: Rng, path: string): string {
  return path.replace(/:([a-z_]+)/g, () =>
    rng.pick([
      '00000000-0000-4000-8000-000000000000',
      'not-a-uuid',
      rng.pick(PERCENT_GARBAGE),
      encodeURIComponent(rng.pick(SQLISH)),
      '..%2F..%2Fetc%2Fpasswd',
      'x'.repeat(rng.pick([10, 300, 5_000])),
      pctEncode(rng.anyText(10)),
      '%00',
      '',
    ]),
  );
}

/** One hostile request for a target. */
export function makeRequest(rng: Rng, target: FuzzTarget, opts: FuzzOptions, now: number): FuzzRequest {
  const { headers, how } = garbageHeaders(rng, opts, now);
  const notes: string[] = [];
  let url = fillPath(rng, target.path);
  let body: Buffer | undefined;
  let method = target.method;

  if (target.trpcPath !== undefined) {
    const input = target.sample === undefined ? undefined : mutateObject(rng, target.sample, fieldsOf(target.body));
    const inputValue = rng.chance(0.2) ? target.sample : input?.value;
    if (input) notes.push(rng.chance(0.2) ? 'valid input' : input.how);
    const text = rng.chance(0.15) ? rng.pick(['{', 'undefined', '%E0%A4%A', '{"json":', rng.anyText(30)]) : JSON.stringify(inputValue ?? null);
    const batch = rng.chance(0.15);
    if (batch) url = `${url.replace(target.trpcPath, `${target.trpcPath},${target.trpcPath}`)}`;
    if (target.cls === 'trpc-query' || rng.chance(0.1)) {
      method = target.cls === 'trpc-query' || rng.chance(0.5) ? 'GET' : 'POST';
      const encoded = rng.chance(0.1) ? text.replace(/[^\x21-\x7e]/g, '') : pctEncode(batch ? `{"0":${text},"1":${text}}` : text);
      url += `?${batch ? 'batch=1&' : ''}input=${encoded}`;
      if (rng.chance(0.2)) url += `&${garbageQuery(rng, [])}`;
    } else {
      method = 'POST';
      if (batch) url += '?batch=1';
      body = rng.chance(0.6) ? Buffer.from(batch ? `{"0":${text},"1":${text}}` : text) : makeBody(rng, target, opts).body;
    }
  } else if (target.method === 'POST' || (target.cls === 'unknown' && rng.chance(0.5))) {
    const b = makeBody(rng, target, opts);
    body = b.body;
    notes.push(b.how);
    if (rng.chance(0.1)) url += `?${garbageQuery(rng, [])}`;
  } else {
    if (target.query !== undefined || rng.chance(0.5)) url += `?${garbageQuery(rng, fieldsOf(target.query))}`;
    // A body on a GET, now and then.
    if (rng.chance(0.05)) body = makeBody(rng, target, opts).body;
  }
  // Now and then another method on the same path.
  if (rng.chance(0.04)) method = rng.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
  return { method, url, headers, body, how: [...notes, ...how.map((n) => `header ${n}`)].join('; '), chunked: body !== undefined && rng.chance(0.1) };
}

/** Every REST route as a target, with a body the route accepts to mutate from. */
export function restTargets(routes: readonly RestRoute[], samples: Record<string, unknown>): FuzzTarget[] {
  return routes.map((r) => {
    const label = `${r.method} ${r.path}`;
    const cls: RouteClass = r.path === '/api/webhooks/opal-workflow' && r.method === 'POST' ? 'webhook' : r.method === 'POST' ? 'rest-write' : 'rest-read';
    return { cls, label, method: r.method, path: r.path, body: r.body, query: r.query, sample: samples[label] };
  });
}

/** Paths and methods the server does not declare. */
export const UNKNOWN_TARGETS: FuzzTarget[] = [
  ['GET', '/api/nope'],
  ['POST', '/api/opal/sync/extra/segments'],
  ['PUT', '/api/opal/sync'],
  ['DELETE', '/api/webhooks/opal-workflow'],
  ['GET', '/api/webhooks/opal-workflow/:id'],
  ['GET', '/API/HEALTH'],
  ['GET', '//api//health'],
  ['GET', '/api/health/../opal/sync'],
  ['GET', '/assets/:file'],
  ['GET', '/assets/%E0%A4%A.js'],
  ['GET', '/%E0%A4%A'],
  ['GET', '/:anything'],
  ['GET', '/metrics'],
  ['GET', '/trpc/nope.nothing'],
  ['POST', '/trpc/:proc'],
  ['GET', '/trpc'],
  ['OPTIONS', '/api/opal/sync'],
  ['HEAD', '/api/health'],
].map(([method, path]) => ({ cls: 'unknown' as const, label: `${method} ${path}`, method: method!, path: path! }));

/** Values that reach a database column if a contract lets them through: each one must be refused (or stored safely), never a 500. */
const HOSTILE_VALUES: { how: string; value: unknown }[] = [
  { how: 'NUL in text', value: 'a\u0000b' },
  { how: 'lone surrogate', value: 'a\ud800b' },
  { how: 'control characters', value: '\u0001\u001b[31m\u007f' },
  { how: 'SQL-looking text', value: "x'); DROP TABLE webhook_events; --" },
  { how: 'number beyond double range', value: HUGE_NUMBER_SENTINEL() },
  { how: 'nested 70 levels', value: JSON.parse(deepObject(70).toString()) as unknown },
  { how: 'object for a scalar', value: { $ne: null } },
  { how: 'far-future timestamp', value: '+275760-09-13T00:00:00.000Z' },
  { how: 'far-past timestamp', value: '-271821-04-20T00:00:00Z' },
  { how: 'epoch ms past year 9999', value: 8.64e15 },
];

function HUGE_NUMBER_SENTINEL(): string {
  return '__HUGE_NUMBER__';
}

/** Every leaf path of a sample body, to depth 3 (arrays by their first element). */
function leafPaths(value: unknown, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (depth > 3 || value === null || typeof value !== 'object') return prefix.length > 0 ? [prefix] : [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? (value.length > 0 ? [[0, value[0]]] : []) : Object.entries(value);
  const out = entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k], depth + 1));
  return out.length > 0 || prefix.length === 0 ? out : [prefix];
}

function setPath(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/**
 * A deterministic sweep: each field of each route's sample body (or tRPC
 * input, or query parameter) set to each hostile value, the rest valid, so a
 * field whose contract lets such text through to the database is found
 * whatever the seed.
 */
export function sweepRequests(target: FuzzTarget): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const text = (v: unknown) => JSON.stringify(v).replace(`"${HUGE_NUMBER_SENTINEL()}"`, '1e400');
  const json = { 'content-type': 'application/json' };
  if (target.sample !== undefined && target.sample !== null && typeof target.sample === 'object') {
    for (const path of leafPaths(target.sample)) {
      for (const h of HOSTILE_VALUES) {
        const input = text(setPath(target.sample, path, h.value));
        const how = `sweep: ${h.how} in ${path.join('.')}`;
        if (target.cls === 'trpc-query') {
          out.push({ method: 'GET', url: `${target.path}?input=${pctEncode(input)}`, headers: {}, body: undefined, how, chunked: false });
        } else {
          out.push({ method: 'POST', url: target.path, headers: json, body: Buffer.from(input), how, chunked: false });
        }
      }
    }
  }
  for (const field of fieldsOf(target.query)) {
    for (const v of ['a%00b', '%ED%A0%80', '%01%1b', pctEncode("x'); DROP TABLE webhook_events; --"), '1e400', '+275760-09-13T00:00:00.000Z', pctEncode('{"a":"\\u0000"}'), pctEncode('{"a":"\\ud800"}')]) {
      out.push({ method: 'GET', url: `${target.path}?${field}=${v}`, headers: {}, body: undefined, how: `sweep: ${v} in query ${field}`, chunked: false });
    }
  }
  if (target.path.includes(':')) {
    for (const v of ['a%00b', '%ED%A0%80', '%01', pctEncode("'; DROP TABLE sync_requests; --")]) {
      out.push({ method: target.method, url: target.path.replace(/:[a-z_]+/g, v), headers: {}, body: undefined, how: `sweep: ${v} in the path`, chunked: false });
    }
  }
  return out;
}
