/**
 * Property tests of the callback body's way in: the zod contract, the
 * normalisation onto one event, the jsonb hazard check and the dedup key.
 * Any JSON must end as an event or a Validation error naming fields; nothing
 * PostgreSQL's jsonb cannot hold may pass the hazard check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors';
import { dedupKeyOf } from '../domain/webhooks/dedup-key';
import { MAX_JSON_DEPTH, findJsonbHazard } from '../domain/webhooks/jsonb-hazards';
import { type NormalizedEvent, normalizeEvent } from '../domain/webhooks/normalize-event';
import { STRATEGY_AGENTS, isStrategyAgent } from './strategy-workflow';
import { EVENT_TYPES, EXECUTION_STATUSES, webhookEventSchema } from './webhook-event';

/** Reproducible by default; FC_SEED=<n> replays another run (fast-check prints the seed of a failure). */
const SEED = Number(process.env.FC_SEED ?? 20_240_611);
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

const KNOWN_FIELDS = ['event_type', 'workflow_id', 'agent_id', 'offset', 'timestamp', 'event_id', 'execution_status', 'agent_data', 'metadata'];

// ---- arbitraries ----

/** Full Unicode text without NUL or lone surrogates (what jsonb can hold). */
const cleanText = (maxLength = 30) => fc.string({ unit: 'grapheme', maxLength });
/** Any UTF-16 code units: NUL and lone surrogates included. */
const anyUnits = (maxLength = 30) =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength });

const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.jsonValue({ maxDepth: 4, stringUnit: 'grapheme' }),
  fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
);

/** An object made of the contract's own fields, each with a random JSON value, plus odd keys. */
const schemaShaped = fc
  .record(
    {
      event_type: fc.oneof(fc.constantFrom(...EVENT_TYPES, 'agent.exploded', '', 'AGENT.STARTED'), anyJson),
      workflow_id: fc.oneof(cleanText(), anyUnits(), fc.constant('   '), fc.string({ minLength: 199, maxLength: 210 }), anyJson),
      agent_id: fc.oneof(fc.constantFrom(...STRATEGY_AGENTS), cleanText(), anyJson),
      offset: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 2 ** 31, 2 ** 53, -0, 1.5), anyJson),
      timestamp: fc.oneof(fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'not a date' : d.toISOString())), fc.double(), anyUnits(), anyJson),
      event_id: fc.oneof(fc.uuid(), cleanText(), anyJson),
      execution_status: fc.oneof(fc.constantFrom(...EXECUTION_STATUSES, 'done'), anyJson),
      agent_data: anyJson,
      metadata: fc.oneof(fc.dictionary(cleanText(8), anyJson, { maxKeys: 4 }), anyJson),
      __proto__: anyJson,
      constructor: anyJson,
    },
    { requiredKeys: [] },
  )
  // Through JSON text, as a request body arrives: `__proto__` becomes an own key.
  .map((o) => JSON.parse(JSON.stringify(o)) as unknown);

const identifier = cleanText(60).filter((s) => {
  const t = s.trim();
  return t.length > 0 && t.length <= 200;
});
const timestampArb = fc.oneof(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
);
const extraFields = fc.dictionary(
  cleanText(12).filter((k) => !KNOWN_FIELDS.includes(k) && k !== '__proto__'),
  fc.jsonValue({ maxDepth: 3 }),
  { maxKeys: 4 },
);

/** Events the contract accepts, in the standard format. */
const validEvent = fc
  .record(
    {
      event_type: fc.constantFrom(...EVENT_TYPES),
      workflow_id: identifier,
      agent_id: fc.oneof(fc.constantFrom(...STRATEGY_AGENTS), identifier),
      offset: fc.integer({ min: 0, max: 2_147_483_647 }),
      timestamp: timestampArb,
      event_id: identifier,
      execution_status: fc.constantFrom(...EXECUTION_STATUSES),
      agent_data: fc.jsonValue({ maxDepth: 4 }),
      metadata: fc.dictionary(cleanText(10), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    },
    { requiredKeys: ['event_type', 'workflow_id', 'offset', 'timestamp'] },
  )
  .chain((e) =>
    extraFields.map((extra) => {
      const body: Record<string, unknown> = { ...extra, ...e };
      // agent_id is required for agent events; for the others it may be present or not.
      if (e.event_type.startsWith('agent.') && body.agent_id === undefined) body.agent_id = 'geo_audit';
      return body;
    }),
  );

/** Rebuilds a value with every object's keys in another order (deterministically from `seed`). */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i + 1));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  let s = seed;
  for (let i = entries.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = shuffleKeys(v, s + k.length);
  return out;
}

function tryNormalize(body: unknown): { ok: true; event: NormalizedEvent } | { ok: false; error: DomainError } {
  try {
    return { ok: true, event: normalizeEvent(body) };
  } catch (e) {
    // Anything but a typed Validation error escaping here would be a 500 at the route.
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('Validation');
    return { ok: false, error: e as DomainError };
  }
}

function expectFieldErrors(error: DomainError): void {
  const fieldErrors = error.details?.field_errors as { path: unknown; message: unknown }[] | undefined;
  expect(Array.isArray(fieldErrors) && fieldErrors.length > 0).toBe(true);
  for (const f of fieldErrors!) {
    expect(typeof f.path === 'string' && f.path.length > 0).toBe(true);
    expect(typeof f.message === 'string' && f.message.length > 0).toBe(true);
  }
}

/** The body path the way ingest walks it: decode, parse, hazards, normalise. */
function ingestPath(bytes: Buffer): 'accepted' | 'refused' {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'refused';
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'refused';
  }
  if (findJsonbHazard(body, text) !== null) return 'refused';
  return tryNormalize(body).ok ? 'accepted' : 'refused';
}

// ---- properties ----

describe('normalizeEvent on arbitrary JSON', () => {
  it('never throws anything but a Validation error with field paths, for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(anyJson, schemaShaped), (body) => {
        const r = tryNormalize(body);
        if (!r.ok) expectFieldErrors(r.error);
        else {
          // Whatever passed is a well-formed event.
          expect(EVENT_TYPES).toContain(r.event.eventType);
          expect(r.event.workflowId.length).toBeGreaterThan(0);
          if (r.event.eventType.startsWith('agent.')) expect(r.event.agentId).toBeDefined();
          if (r.event.offset !== undefined) expect(Number.isInteger(r.event.offset) && r.event.offset >= 0).toBe(true);
        }
      }),
      runs(2000),
    );
  });

  it('names the field that is wrong: replacing one field of a valid event with a wrong type refuses that path', () => {
    const wrong = fc.oneof(fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(-1), fc.constant(1.5));
    fc.assert(
      fc.property(validEvent, fc.constantFrom('event_type', 'workflow_id', 'offset', 'timestamp'), wrong, (event, field, value) => {
        const body = { ...event, [field]: value };
        const r = tryNormalize(body);
        // -1 / 1.5 are numbers: fine as an epoch timestamp only when non-negative.
        if (field === 'timestamp' && value === 1.5) return;
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expectFieldErrors(r.error);
          const paths = (r.error.details!.field_errors as { path: string }[]).map((f) => f.path);
          expect(paths).toContain(field);
        }
      }),
      runs(1000),
    );
  });
});

describe('valid events', () => {
  it('round-trip through JSON text and normalise to what they say', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        const body = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
        const r = tryNormalize(body);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const e = r.event;
        const isAgent = String(event.event_type).startsWith('agent.');
        expect(e.eventType).toBe(event.event_type);
        expect(e.workflowId).toBe(String(event.workflow_id).trim());
        expect(e.agentId).toBe(isAgent ? String(event.agent_id).trim() : undefined);
        expect(e.offset).toBe(event.offset);
        expect(e.sourceEventId).toBe(event.event_id === undefined ? undefined : String(event.event_id).trim());
        expect(e.executionStatus).toBe(event.execution_status);
        expect(e.agentData).toEqual(body.agent_data);
        expect(e.timestamp?.getTime()).toBe(new Date(event.timestamp as string | number).getTime());
        const reportsFailure =
          event.event_type === 'agent.failed' ||
          event.event_type === 'workflow.failed' ||
          event.execution_status === 'failure' ||
          event.execution_status === 'timeout';
        expect(e.outcome === 'failure').toBe(reportsFailure);
        expect(e.outcomeError === undefined).toBe(!reportsFailure);
        expect(e.knownAgent).toBe(e.agentId === undefined || isStrategyAgent(e.agentId));
        // Fields the contract does not name are kept, never a reason to refuse.
        const parsed = webhookEventSchema.parse(body) as Record<string, unknown>;
        for (const key of Object.keys(body)) {
          if (!KNOWN_FIELDS.includes(key)) expect(parsed[key]).toEqual(body[key]);
        }
      }),
      runs(1500),
    );
  });

  it('in the relay format (no event_type) map onto the matching agent event', () => {
    const expected = { success: 'agent.completed', failure: 'agent.failed', timeout: 'agent.failed', pending: 'agent.started' } as const;
    fc.assert(
      fc.property(identifier, identifier, fc.constantFrom(...EXECUTION_STATUSES), extraFields, (workflowId, agentId, status, extra) => {
        const r = tryNormalize({ ...extra, workflow_id: workflowId, agent_id: agentId, execution_status: status });
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.event).toMatchObject({ eventType: expected[status], workflowId: workflowId.trim(), agentId: agentId.trim() });
      }),
      runs(500),
    );
  });

  it('pass the hazard check when their text has nothing jsonb refuses', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        expect(findJsonbHazard(event, JSON.stringify(event))).toBeNull();
      }),
      runs(1000),
    );
  });
});

describe('dedupKeyOf', () => {
  const keyOf = (body: unknown, webhookId?: string) => {
    const e = normalizeEvent(body);
    return dedupKeyOf({ ...e, webhookId });
  };

  it('is deterministic and independent of key order, at every level of the body', () => {
    fc.assert(
      fc.property(validEvent, fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), (event, seed, dropEventId) => {
        const body = { ...event };
        if (dropEventId) delete body.event_id;
        const k = keyOf(body);
        expect(keyOf(JSON.parse(JSON.stringify(body)))).toBe(k);
        expect(keyOf(shuffleKeys(body, seed))).toBe(k);
        expect(k).toMatch(body.event_id === undefined ? /^h:[0-9a-f]{64}$/ : /^ev:/);
      }),
      runs(1000),
    );
  });

  it('prefers the delivery id, then the event id, as DESIGN.md says', () => {
    fc.assert(
      fc.property(validEvent, identifier, (event, webhookId) => {
        expect(keyOf(event, webhookId)).toBe(`wh:${webhookId}`);
        const escape = (id: unknown) => String(id).trim().replaceAll('%', '%25').replaceAll(':', '%3A');
        if (event.event_id !== undefined) expect(keyOf(event)).toBe(`ev:${escape(event.workflow_id)}:${escape(event.event_id)}`);
      }),
      runs(500),
    );
  });

  it('gives two different (workflow, event id) pairs two different keys, colons and percent signs included', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'b', ':', '%', '3', 'A'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(part, part, part, part, (w1, e1, w2, e2) => {
        fc.pre(w1 !== w2 || e1 !== e2);
        expect(dedupKeyOf({ workflowId: w1, sourceEventId: e1, eventType: 'x' })).not.toBe(dedupKeyOf({ workflowId: w2, sourceEventId: e2, eventType: 'x' }));
      }),
      runs(2000),
    );
    expect(dedupKeyOf({ workflowId: 'a:b', sourceEventId: 'c', eventType: 'x' })).not.toBe(dedupKeyOf({ workflowId: 'a', sourceEventId: 'b:c', eventType: 'x' }));
    expect(dedupKeyOf({ workflowId: 'wf-1', sourceEventId: 'evt-9', eventType: 'x' })).toBe('ev:wf-1:evt-9');
  });

  it('without ids, hashes the identity only: a retry with another timestamp or metadata is the same event, another offset or agent_data is not', () => {
    fc.assert(
      fc.property(validEvent, timestampArb, fc.jsonValue({ maxDepth: 3 }), (event, otherTimestamp, otherData) => {
        const body: Record<string, unknown> = { ...event };
        delete body.event_id;
        const k = keyOf(body);
        expect(keyOf({ ...body, timestamp: otherTimestamp, metadata: { retried: true } })).toBe(k);
        expect(keyOf({ ...body, offset: (body.offset as number) === 0 ? 1 : (body.offset as number) - 1 })).not.toBe(k);
        const sameData = JSON.stringify(shuffleKeys(otherData, 7)) === JSON.stringify(shuffleKeys(body.agent_data ?? null, 7));
        if (!sameData) expect(keyOf({ ...body, agent_data: otherData })).not.toBe(k);
      }),
      runs(1000),
    );
  });
});

describe('findJsonbHazard', () => {
  /** Puts `poison` into the value at a random place: a string value, a key, or a new entry. */
  const withPoison = (poison: string) =>
    fc
      .tuple(fc.jsonValue({ maxDepth: 5, stringUnit: 'grapheme' }), fc.nat(), fc.constantFrom('value', 'key'), cleanText(5), cleanText(5))
      .map(([value, where, kind, before, after]) => {
        const text = `${before}${poison}${after}`;
        const containers: (unknown[] | Record<string, unknown>)[] = [];
        const collect = (v: unknown) => {
          if (v !== null && typeof v === 'object') {
            containers.push(v as unknown[] | Record<string, unknown>);
            for (const c of Object.values(v)) collect(c);
          }
        };
        const root = { root: value };
        collect(root);
        const target = containers[where % containers.length]!;
        if (Array.isArray(target)) target.push(text);
        else if (kind === 'key') target[text] = 1;
        else target[`k${where}`] = text;
        return root;
      });

  it('refuses \\u0000 anywhere, in a value or a key', () => {
    fc.assert(
      fc.property(withPoison('\u0000'), (value) => {
        expect(findJsonbHazard(value, JSON.stringify(value))).toMatch(/\\u0000/);
      }),
      runs(1000),
    );
  });

  it('refuses a lone surrogate anywhere, high or low, in a value or a key', () => {
    const lone = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(lone.chain(withPoison), (value) => {
        expect(findJsonbHazard(value, JSON.stringify(value))).toMatch(/lone UTF-16 surrogate/);
      }),
      runs(1000),
    );
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels, up to 10,000, and allows ${MAX_JSON_DEPTH}`, () => {
    const depth = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: MAX_JSON_DEPTH - 2, max: MAX_JSON_DEPTH + 2 }), fc.constant(10_000));
    fc.assert(
      fc.property(depth, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (n, kinds) => {
        let text = 'null';
        for (let i = 0; i < n; i++) text = kinds[i % kinds.length] ? `[${text}]` : `{"k":${text}}`;
        const hazard = findJsonbHazard(JSON.parse(text), text);
        if (n > MAX_JSON_DEPTH) expect(hazard).toMatch(/nesting is deeper/);
        else expect(hazard).toBeNull();
      }),
      runs(300),
    );
  });

  it('refuses numbers beyond double range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 309, max: 100_000 }), fc.boolean(), (exp, negative) => {
        const text = `{"agent_data":{"score":${negative ? '-' : ''}1e${exp}}}`;
        expect(findJsonbHazard(JSON.parse(text), text)).toMatch(/out of range/);
      }),
      runs(200),
    );
  });

  it('accepts any JSON text made of full Unicode characters within the depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8, stringUnit: 'grapheme' }), (value) => {
        const text = JSON.stringify(value);
        expect(findJsonbHazard(JSON.parse(text), text)).toBeNull();
      }),
      runs(1000),
    );
  });
});

describe('the whole body path (bytes → text → JSON → hazards → event)', () => {
  const validText = validEvent.map((e) => JSON.stringify(e));
  /** Valid event text, then broken in one way: truncated, a byte flipped, an escape inserted. */
  const mutated = fc.tuple(validText, fc.nat(), fc.nat(255), fc.constantFrom('truncate', 'flip', 'nul', 'surrogate', 'deep')).map(
    ([text, at, byte, how]) => {
      const bytes = Buffer.from(text);
      const i = at % bytes.length;
      switch (how) {
        case 'truncate':
          return bytes.subarray(0, i);
        case 'flip': {
          const copy = Buffer.from(bytes);
          copy[i] = byte;
          return copy;
        }
        case 'nul':
          return Buffer.from(text.replace(/"workflow_id":"/, '"workflow_id":"\\u0000'));
        case 'surrogate':
          return Buffer.from(text.replace(/"workflow_id":"/, '"workflow_id":"\\ud800'));
        default:
          return Buffer.from(text.replace(/}$/, `,"agent_data":${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}}`));
      }
    },
  );

  it('never throws for arbitrary bytes or broken valid events, and never accepts a hazard', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), mutated), (bytes) => {
        const result = ingestPath(bytes);
        if (result === 'accepted') {
          const text = bytes.toString('utf8');
          expect(findJsonbHazard(JSON.parse(text), text)).toBeNull();
          expect(text).not.toContain('\\u0000');
        }
      }),
      runs(2000),
    );
  });

  it('accepts every valid event sent as its UTF-8 text', () => {
    fc.assert(
      fc.property(validText, (text) => {
        expect(ingestPath(Buffer.from(text))).toBe('accepted');
      }),
      runs(500),
    );
  });
});
