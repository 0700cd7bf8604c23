import { describe, expect, it } from 'vitest';
import { parseEnv } from './env-schema';

describe('parseEnv', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['Yes', true],
    ['false', false],
    ['0', false],
    ['NO', false],
  ])('reads the boolean %s as %s', (raw, expected) => {
    const { values, malformed } = parseEnv({ OPAL_DEBUG_MODE: raw, DATABASE_PREPARE: raw });
    expect(malformed.size).toBe(0);
    expect(values.OPAL_DEBUG_MODE).toBe(expected);
    expect(values.DATABASE_PREPARE).toBe(expected);
  });

  it('refuses a boolean it does not know', () => {
    expect([...parseEnv({ DATABASE_PREPARE: 'off' }).malformed.keys()]).toEqual(['DATABASE_PREPARE']);
  });

  it('parses API_KEYS entries, trimming and splitting on the first two colons only', () => {
    const { values, malformed } = parseEnv({
      API_KEYS: ' ci : client : k1 , grafana:viewer:k2,ops:operator:k3:with:colons,root:admin:k4,',
    });
    expect(malformed.size).toBe(0);
    expect(values.API_KEYS).toEqual([
      { name: 'ci', role: 'client', key: 'k1' },
      { name: 'grafana', role: 'viewer', key: 'k2' },
      { name: 'ops', role: 'operator', key: 'k3:with:colons' },
      { name: 'root', role: 'admin', key: 'k4' },
    ]);
  });

  it.each([
    ['unknown role', 'ci:superuser:k1', 'entry 1: unknown role'],
    ['missing key', 'ci:client:k1,ops:operator', 'entry 2: expected name:role:key'],
    ['missing name', ':client:k1', 'entry 1: expected name:role:key'],
    ['a bare key', 'k1', 'entry 1: expected name:role:key'],
    ['empty key', 'ci:client: ', 'entry 1: expected name:role:key'],
    ['only commas', ',,', 'lists no key'],
  ])('refuses API_KEYS with %s', (_label, raw, message) => {
    const { malformed, values } = parseEnv({ API_KEYS: raw });
    expect(malformed.get('API_KEYS')).toContain(message);
    expect(values.API_KEYS).toBeUndefined();
  });

  it('reports every bad API_KEYS entry', () => {
    const why = parseEnv({ API_KEYS: 'a:client:k,b:nobody:k,c' }).malformed.get('API_KEYS');
    expect(why).toBe('entry 2: unknown role (expected client, viewer, operator, admin); entry 3: expected name:role:key');
  });

  it('splits OSA_WEBHOOK_SHARED_SECRET on commas, trimmed, empty entries dropped', () => {
    expect(parseEnv({ OSA_WEBHOOK_SHARED_SECRET: ' one , two,,three, ' }).values.OSA_WEBHOOK_SHARED_SECRET).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(parseEnv({ OSA_WEBHOOK_SHARED_SECRET: 'single' }).values.OSA_WEBHOOK_SHARED_SECRET).toEqual(['single']);
  });

  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
    ['2', 2],
    ['loopback', 'loopback'],
    ['loopback, 10.0.0.0/8, 192.168.0.1, fd00::/8', 'loopback, 10.0.0.0/8, 192.168.0.1, fd00::/8'],
    ['10.0.0.0/255.0.0.0', '10.0.0.0/255.0.0.0'],
  ])('reads TRUST_PROXY=%s', (raw, expected) => {
    const { values, malformed } = parseEnv({ TRUST_PROXY: raw });
    expect(malformed.size).toBe(0);
    expect(values.TRUST_PROXY).toBe(expected);
  });

  it.each(['proxy.acme.test', '10.0.0.0/33', '1.2.3.4/8/8'])('refuses TRUST_PROXY=%s', (raw) => {
    expect(parseEnv({ TRUST_PROXY: raw }).malformed.has('TRUST_PROXY')).toBe(true);
  });

  it('normalises CORS_ORIGINS to origins', () => {
    expect(parseEnv({ CORS_ORIGINS: 'https://console.acme.test/, http://localhost:5173' }).values.CORS_ORIGINS).toEqual([
      'https://console.acme.test',
      'http://localhost:5173',
    ]);
    expect(parseEnv({ CORS_ORIGINS: '*' }).malformed.has('CORS_ORIGINS')).toBe(true);
  });

  it.each([
    ['OPAL_SIMULATOR_FAILURE_RATE', '0', 0],
    ['OPAL_SIMULATOR_FAILURE_RATE', '1', 1],
    ['OPAL_SIMULATOR_FAILURE_RATE', '0.25', 0.25],
    ['OPAL_SIMULATOR_SEED', '42', 42],
    ['PORT', '0', 0],
    ['PORT', ' 8080 ', 8080],
    ['SHUTDOWN_DRAIN_MS', '0', 0],
    ['SHUTDOWN_DRAIN_MS', '15000', 15000],
  ] as const)('reads %s=%s', (name, raw, expected) => {
    const { values, malformed } = parseEnv({ [name]: raw });
    expect(malformed.size).toBe(0);
    expect(values[name]).toBe(expected);
  });

  it.each([
    ['OPAL_SIMULATOR_FAILURE_RATE', '1.01'],
    ['OPAL_SIMULATOR_FAILURE_RATE', '-0.1'],
    ['OPAL_SIMULATOR_SEED', '1.5'],
    ['PORT', '3000.0'],
    ['PORT', '1e3'],
    ['WEBHOOK_MAX_BYTES', '0'],
    ['SHUTDOWN_DRAIN_MS', '-1'],
    ['SHUTDOWN_DRAIN_MS', '5s'],
    ['SHUTDOWN_DRAIN_MS', '600001'],
    ['HOST', 'http://0.0.0.0'],
    ['BASE_URL', 'https://user:pw@force-sync.acme.test'],
  ])('refuses %s=%s', (name, raw) => {
    expect([...parseEnv({ [name]: raw }).malformed.keys()]).toEqual([name]);
  });

  it('drains 5 s after SIGTERM unless told otherwise', () => {
    expect(parseEnv({}).values.SHUTDOWN_DRAIN_MS).toBe(5000);
  });

  it('keeps the well-formed values when another one is malformed', () => {
    const { values, malformed } = parseEnv({ PORT: 'abc', RETENTION_DAYS: '7' });
    expect([...malformed.keys()]).toEqual(['PORT']);
    expect(values.PORT).toBe(3000);
    expect(values.RETENTION_DAYS).toBe(7);
  });
});
