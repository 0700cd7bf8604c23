/**
 * Stoplight Prism's validating proxy (`prism proxy`, @stoplight/prism-cli 5.16.0)
 * as a child process for tests. Requests sent to `url` are forwarded to the
 * upstream; what does not match the OpenAPI document is REPORTED in the
 * `sl-violations` response header (`--errors=false`: with `--errors` Prism
 * would answer a request violation with its own 401/422 without forwarding,
 * and replace a response that has an Error violation). `--cors=false`: Prism's
 * CORS mode answers every preflight itself with 204 and adds
 * `Access-Control-Allow-Origin: *`-style headers to every answer, which would
 * hide the server's own CORS policy.
 *
 *   const prism = await startPrismProxy({ document: buildOpenApiDocument(…), upstream: server.url });
 *   // or { document: `${server.url}/api/openapi.json`, … }, or a file path
 *   try {
 *     const res = await fetch(`${prism.url}/api/health`);
 *     expect(prism.violationsOf(res)).toEqual([]);
 *   } finally { await prism.close(); }
 *
 * A violation is { location, severity, code?, message }: location starts with
 * 'request' or 'response' ('request.query.status', 'response.body.id',
 * 'response.header.retry-after'); severity 'Error' or 'Warning'; code is a
 * JSON Schema keyword ('required', 'enum', 'type', 'additionalProperties',
 * 'format', 'pattern', 'const', 'oneOf', …) or an HTTP status (401, 415), or
 * absent. oneOf/anyOf failures repeat one entry per branch. Expect
 * `violationsOf(res)` to equal [] rather than filter on Error: several
 * findings below are Warnings.
 *
 * FINDINGS, measured in /tmp/prism-lab against a real server of this repo
 * (startTestServer('pglite'), at commit d3ffec7 and with the route rewrite
 * in progress) and against a node:http upstream that echoes what it got.
 *
 * (a) The body is NOT forwarded byte for byte. A request whose Content-Type
 *     is application/json or application/*+json (any charset) is parsed and
 *     forwarded as JSON.stringify of the result: whitespace goes, `1.0` → `1`,
 *     `1e3` → `1000`, `\u00e9` → `é`, `\/` → `/`, a repeated key keeps its last
 *     value, integer-like keys move to the front (`{"b":1,"1":2}` →
 *     `{"1":2,"b":1}`), integers past 2^53 lose digits; Content-Length is
 *     recomputed. Every other content type is forwarded as the same text.
 *     Signed webhooks through the proxy: webhook-client.ts's postOsa and
 *     postStandard of an OBJECT (they sign JSON.stringify's output) → 202, a
 *     repeat → 409, raw non-ASCII fine; the same delivery pretty-printed, with
 *     `0.0`, or with `\u00e9`/`\/` escapes → 401 "signature does not match any
 *     configured secret" through the proxy (202 direct), and Prism reports no
 *     violation at all for it. So only send compact JSON.stringify bodies
 *     through Prism; test raw-byte HMAC cases directly against the server.
 *     A body sent as JSON that is NOT valid JSON gets NO ANSWER: Prism's body
 *     parser throws and its error path waits for an 'end' event that has
 *     already fired, so the client hangs until its own timeout (Prism goes on
 *     serving other requests). Malformed-JSON cases go straight to the server.
 *     Answers are re-serialised the same way (`{ "a" :1.0 }` → `{"a":1}`); a
 *     gzip answer arrives decoded without Content-Encoding; a 3xx is followed
 *     by Prism (node-fetch), the client gets the target's answer; several
 *     Set-Cookie headers arrive merged into ONE comma-joined header
 *     (stoplightio/prism#2676, open; the server sets one cookie today). HEAD on
 *     a JSON route → 500 from Prism ("invalid json response body … Unexpected
 *     end of JSON input"). An upstream 501 makes Prism answer with a mock.
 *     Request headers: Host is rewritten to the upstream's; Cookie,
 *     Authorization, Origin, X-Forwarded-For, Idempotency-Key… pass through;
 *     Prism adds `accept-encoding: *`, `accept: application/json, text/plain,
 *     * /*` and `user-agent: Prism/5.16.0` only when the client sent none. The
 *     server sees every request from 127.0.0.1 (rate limits are per address).
 *     (From Prism's code, not measured: a body on GET/HEAD is refused.)
 * (b) Runbook `curl -d '{"action":"test_configuration"}'` (Content-Type
 *     application/x-www-form-urlencoded) to POST /api/diagnostics/last-webhook;
 *     the body is forwarded unchanged and the server answers 200 in all cases.
 *     Prism does NOT parse it as JSON: it form-decodes it, giving
 *     `{ '{"action":"test_configuration"}': '' }`. So:
 *       only application/json declared         → Error 415 "Supported content types: application/json"
 *       + x-www-form-urlencoded: {schema: <the action oneOf>} → Errors required 'action',
 *                                                  additionalProperties, oneOf (what the rewrite emits now)
 *       + x-www-form-urlencoded: {schema: {type: string}}, or string with
 *         contentMediaType/contentSchema        → Error "Request body must be string"
 *       + x-www-form-urlencoded: {}              → NO violation   <- use this
 *       + x-www-form-urlencoded: {schema: {type: object}} → NO violation
 *       '*' + '/' + '*' with the action schema        → same Errors as the form schema
 *       application/json + '*' + '/' + '*': {}       → no violation for form and text/plain
 *       + text/plain: {schema: {type: string}}   → fine for `-H 'content-type: text/plain'`
 *     Media types are matched with wildcards (type-is); a request with NO
 *     Content-Type is validated against the FIRST declared media type's schema
 *     as a string ("must be object"). requestBody.required: true + no body →
 *     Error required "Body parameter is required"; required: false → nothing.
 *     JSON requests are checked against the JSON schema as usual
 *     (`{"action":"nope"}` → const ×2 + oneOf Errors).
 * (c) Security is checked in proxy mode: an operation with
 *     `security: [{bearer: []}]` called without Authorization → Error, code
 *     401, "Invalid security scheme used" (the request is still forwarded).
 *     Prism only looks at shapes, never values: bearer = Authorization
 *     matching /^Bearer\s.+$/ (case-sensitive: `bearer abc` and `Basic …` fail);
 *     apiKey in header = the header present; apiKey in cookie = the Cookie
 *     header contains `<name>=<something>`. Alternatives are OR'ed, schemes in
 *     one object AND'ed (`{webhookId, webhookTimestamp, webhookSignature}`
 *     needs all three). `[{}, {bearer: []}]` (either order) silences the
 *     anonymous call, BUT `{}` means "no Authorization header at all": an
 *     Authorization that is not `Bearer …` still gives the 401 violation.
 *     `[{bearer: []}, {session: []}]` passes with `Cookie: ofs_session=…`.
 *     Operation `security: []` overrides a top-level security; an operation
 *     without `security` inherits it.
 * (d) A status the operation does not declare: "Unable to match the returned
 *     status code with those defined in the document: <the DECLARED codes>",
 *     location ['response'], no code; severity Warning for a non-2xx status,
 *     Error for a 2xx; the body is then not checked. `default` and range keys
 *     (`4XX`) count as declared. A declared status with no `content` → its
 *     body is not checked at all. A declared text/plain answered with JSON →
 *     Error 'The received media type "application/json; charset=utf-8" does
 *     not match …' plus the body checked against the declared schema.
 * (e) A body that does not match: one Error per failure, location down to the
 *     property (['response','body','database','driver']), e.g. code required
 *     "Response body must have required property 'nope'", code type
 *     "Response body property uptime_seconds must be string", enum, const,
 *     format (date-time is checked), additionalProperties "found 'status'".
 *     Schemas are compiled by Ajv draft-07 with coerceTypes OFF for bodies
 *     (ON for parameters and headers): `unevaluatedProperties` and other
 *     2019-09/2020-12 keywords are silently IGNORED unless the document says
 *     `jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema'`
 *     (then it is enforced: "must NOT have unevaluated properties: 'status'");
 *     a `$schema` inside a media-type schema is not enough. allOf is merged
 *     first, so additionalProperties:false beside an allOf sees the merged
 *     properties. `$ref`s are resolved from the DOCUMENT root at start-up: a
 *     zod-style `$ref: '#/$defs/X'` with `$defs` inside a schema, or a ref to a
 *     missing component, makes Prism exit before listening (startPrismProxy
 *     rejects with "token \"$defs\" in \"#/$defs/X\" does not exist") — put
 *     shared schemas in components.schemas. readOnly properties are dropped
 *     from request schemas only (a required readOnly property is still
 *     required in a response), writeOnly from response schemas.
 * (f) Query and path parameters are coerced before validation: `?limit=10`
 *     passes {type: integer, minimum: 1, maximum: 100}; `?limit=abc` → type,
 *     `1000` → maximum, `1.5` → type; `?status=nope` → enum "must be equal to
 *     one of the allowed values: success, failed, all"; a repeated parameter
 *     becomes an array ("must be string" + enum) unless declared as an array
 *     (explode: `?status=a&status=b` works, `a,b` stays one item); booleans
 *     accept true/false only; `format: date-time` is checked; a missing
 *     required parameter → "Request query must have required property 'x'";
 *     undeclared parameters are ignored; an empty value (`?workflow_id=`) was
 *     not flagged by minLength: 1. What the generator emits from zod TODAY
 *     checks little: `limit` is `type: [number, string]` (anything passes),
 *     dates are `anyOf: [{type: string}, {}]`; `status` enums do work.
 *     Path parameters are percent-decoded and checked (`format: uuid`,
 *     `pattern`); a trailing slash (`/api/opal/sync/x/`) matches no route
 *     (Warning "Selected route not found", forwarded anyway). `servers` is
 *     ignored when matching (any host, and a path in a server URL is NOT
 *     stripped); every path must be the full /api/… path.
 * (g) Response headers are checked only when declared: X-Correlation-Id,
 *     RateLimit, RateLimit-Policy, Retry-After sent but not declared → nothing.
 *     Declared with `required: true` and absent → Error "Response header must
 *     have required property 'retry-after'"; declared and present → checked,
 *     coerced (`Retry-After: 60` passes {type: integer, minimum: 1}, `soon` →
 *     type), names case-insensitive (locations use lower case). The real
 *     server's webhook 429 (Retry-After: 60, RateLimit "limit=3, remaining=0,
 *     reset=60", RateLimit-Policy "3;w=60") passed a document declaring them.
 *     Request header parameters are checked the same way (required
 *     Idempotency-Key missing → Error; minLength; integer).
 * (h) Start-up: 1.0–2.9 s until it listens (mostly ~2.5 s with the lab server
 *     busy on the same machine; a 56 KB document by file or by URL alike);
 *     close() ~30 ms. Start ONE proxy per test file (beforeAll) and send
 *     everything through it: 100 sequential GET /api/health 16.8 ms each (9.1
 *     direct), 100 signed webhooks 19.1 ms each (10.2 direct), 100 at once
 *     fine, 300 deliveries all 202, RSS ~155 MB. `--multiprocess` crashes in
 *     5.16.0 ("Cannot read properties of undefined (reading 'isPrimary')"),
 *     so it is not offered. Prism logs every request; this harness always
 *     drains its output (a full pipe would stall it) and keeps the tail for
 *     `logs()`. A document Prism cannot load (missing file, not OpenAPI, no
 *     operations, unresolvable $ref) makes it exit: startPrismProxy rejects
 *     with Prism's message. A route the document lacks → Warning "Selected
 *     route not found", forwarded anyway. sl-violations longer than ~8 KB is
 *     cut by Prism and prefixed "Too many violations!": parseViolations turns
 *     that into one Error with code 'truncated'.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port';

/** One entry of Prism's `sl-violations` header. */
export interface PrismViolation {
  /** `['request', …]` or `['response', …]`, e.g. `['request', 'query', 'status']`, `['response', 'body', 'success']`. */
  location: string[];
  severity: 'Error' | 'Warning' | 'Information' | 'Hint';
  /** A JSON Schema keyword (`'required'`, `'enum'`, `'type'`, …), an HTTP status (401, 415), or absent. */
  code?: string | number;
  message: string;
}

export interface PrismProxy {
  /** Where to send requests, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  port: number;
  /** The violations Prism reported for this response; `[]` when there is no `sl-violations` header. */
  violationsOf(response: { headers: Headers | IncomingHttpHeaders } | Headers): PrismViolation[];
  /** Prism's recent output (ANSI colours removed), for a failing test's message. */
  logs(): string;
  /** Stops Prism (its whole process group) and removes the temporary document. Safe to call twice. */
  close(): Promise<void>;
}

export interface PrismProxyOptions {
  /** A path, an http(s) URL (e.g. `${server.url}/api/openapi.json`), or a document object (written to a temporary file). */
  document: string | object;
  /** The server requests are forwarded to, e.g. `server.url`. */
  upstream: string;
  /** Report request violations too (default true). */
  validateRequest?: boolean;
  /** Prism's own CORS answers and headers (default false: they would hide the server's CORS policy). */
  cors?: boolean;
  /** How long to wait for Prism to listen (default 30 s; it takes about 1 s). */
  startTimeoutMs?: number;
}

const PRISM_CLI = fileURLToPath(new URL('../../node_modules/@stoplight/prism-cli/dist/index.js', import.meta.url));
const LISTENING = /Prism is listening on/;
const MAX_LOG_CHARS = 64_000;
const ANSI = /\u001b\[[0-9;]*m/g;

/** Parses an `sl-violations` value. Prism cuts one longer than ~8 KB and prefixes "Too many violations!": that is one Error entry here. */
export function parseViolations(value: string | null | undefined): PrismViolation[] {
  if (value === null || value === undefined || value === '') return [];
  if (value.startsWith('Too many violations!')) {
    return [{ location: [], severity: 'Error', code: 'truncated', message: `Prism cut the sl-violations header: ${value.slice(0, 500)}` }];
  }
  const parsed = JSON.parse(value) as PrismViolation[];
  return parsed.map((v) => ({ ...v, location: v.location ?? [] }));
}

function headerOf(source: { headers: Headers | IncomingHttpHeaders } | Headers): string | undefined {
  const headers = source instanceof Headers ? source : source.headers;
  if (headers instanceof Headers) return headers.get('sl-violations') ?? undefined;
  const v = headers['sl-violations'];
  return Array.isArray(v) ? v.join(',') : v;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends `signal` to the child's whole process group (it was spawned detached, so it leads one). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts Prism's validating proxy on a free loopback port and waits until it listens. */
export async function startPrismProxy(opts: PrismProxyOptions): Promise<PrismProxy> {
  let tempDir: string | undefined;
  let documentArg: string;
  if (typeof opts.document === 'string') {
    documentArg = opts.document;
  } else {
    tempDir = await mkdtemp(join(tmpdir(), 'prism-document-'));
    documentArg = join(tempDir, 'openapi.json');
    await writeFile(documentArg, JSON.stringify(opts.document));
  }
  try {
    // freePort() releases the port before Prism takes it: retry if someone else took it first.
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(opts, documentArg, tempDir);
      } catch (e) {
        if (attempt >= 3 || !String((e as Error).message).includes('EADDRINUSE')) throw e;
      }
    }
  } catch (e) {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw e;
  }
}

async function launch(opts: PrismProxyOptions, documentArg: string, tempDir: string | undefined): Promise<PrismProxy> {
  const port = await freePort();
  const args = [
    PRISM_CLI,
    'proxy',
    documentArg,
    opts.upstream,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--errors=false',
    `--validate-request=${opts.validateRequest ?? true}`,
    `--cors=${opts.cors ?? false}`,
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8').replace(ANSI, '')).slice(-MAX_LOG_CHARS);
  };
  // Always drained: Prism logs every request, and a full pipe would stall it.
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  // Never left running, even when a test forgets close() or the worker exits.
  const onProcessExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onProcessExit);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      process.removeListener('exit', onProcessExit);
      if (!exited) {
        killGroup(child, 'SIGTERM');
        const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3_000).unref());
        if ((await Promise.race([exit, timer])) === 'timeout') {
          killGroup(child, 'SIGKILL');
          await exit;
        }
      }
      // Anything Prism itself started is in the same group: make sure it is gone too.
      killGroup(child, 'SIGKILL');
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    })();
    return closing;
  };

  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  const started = Date.now();
  for (;;) {
    if (exited) {
      await close();
      throw new Error(`Prism exited before it listened (port ${port}):\n${output.slice(-4_000)}`);
    }
    if (LISTENING.test(output) && (await canConnect(port))) break;
    if (Date.now() - started > timeoutMs) {
      await close();
      throw new Error(`Prism did not listen within ${timeoutMs} ms (port ${port}):\n${output.slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    violationsOf: (response) => parseViolations(headerOf(response)),
    logs: () => output,
    close,
  };
}
