import { describe, expect, it } from 'vitest';
import { isHttpsOrLoopback, urlOrigin } from './loopback-host';

describe('isHttpsOrLoopback', () => {
  it.each([
    'https://opal.acme.test/x',
    'http://127.0.0.1:8080/x',
    'http://127.255.0.9/x',
    'http://localhost/x',
    'http://LOCALHOST:3000/x',
    'http://[::1]:3000/x',
    'http://[::ffff:127.0.0.1]/x',
  ])('allows %s', (url) => expect(isHttpsOrLoopback(url)).toBe(true));

  it.each([
    'http://opal.acme.test/x',
    'http://128.0.0.1/x',
    'http://10.0.0.1/x',
    'http://[::2]/x',
    'http://localhost.acme.test/x',
    'http://127.0.0.1.nip.io/x',
    'ftp://127.0.0.1/x',
    'not a url',
  ])('refuses %s', (url) => expect(isHttpsOrLoopback(url)).toBe(false));
});

it('urlOrigin drops the path, where webhook URLs keep their credential', () => {
  expect(urlOrigin('https://hooks.slack.test/services/T000/B000/XXXX')).toBe('https://hooks.slack.test');
});
