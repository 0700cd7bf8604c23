/**
 * The one exception to "https only": plain http to this very machine (a
 * relay or a test double on the same host) never crosses a network.
 */
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** `hostname` as `URL#hostname` gives it (IPv6 in brackets, IPv4 already normalised). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  const family = isIP(host);
  // BlockList also matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 subnet.
  if (family === 4) return loopback.check(host, 'ipv4');
  if (family === 6) return loopback.check(host, 'ipv6');
  return false;
}

/** https anywhere, http only to a loopback host. */
export function isHttpsOrLoopback(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || (protocol === 'http:' && isLoopbackHost(hostname));
}

/**
 * Scheme and host only: webhook URLs (Opal's, Slack's) carry their
 * credential in the path, so the path is never shown.
 */
export function urlOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '(unparseable URL)';
}
