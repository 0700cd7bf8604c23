/**
 * Canary secrets and the search for them. Each configured secret carries the
 * prefix LEAKCANARY_ and its name, followed by random hex: the prefix alone
 * anywhere in output means something leaked (even a truncated echo), and
 * the name says what. Values without the prefix (session tokens, a whsec_
 * key) are found whole or by any 12-character piece.
 */
import { randomBytes } from 'node:crypto';

export const CANARY_PREFIX = 'LEAKCANARY_';
const PIECE = 12;

/** `LEAKCANARY_<NAME>_<24 hex>`: URL-safe, so it reads the same in a path, a query or a header. */
export const canary = (name: string): string => `${CANARY_PREFIX}${name}_${randomBytes(12).toString('hex')}`;

export class Canaries {
  private readonly values = new Map<string, string>();

  add(name: string, value: string): string {
    if (this.values.has(name)) throw new Error(`canary ${name} added twice`);
    this.values.set(name, value);
    return value;
  }

  get names(): string[] {
    return [...this.values.keys()];
  }

  /** The names of the canaries found in `text`; `(prefix)` when only the bare prefix is there. */
  findIn(text: string): string[] {
    const found: string[] = [];
    for (const [name, value] of this.values) {
      // A prefixed canary's pieces start past the shared prefix, so one canary is never taken for another.
      const from = value.startsWith(CANARY_PREFIX) ? CANARY_PREFIX.length : 0;
      let hit = text.includes(value);
      for (let i = from; !hit && i + PIECE <= value.length; i++) hit = text.includes(value.slice(i, i + PIECE));
      if (hit) found.push(name);
    }
    if (found.length === 0 && text.includes(CANARY_PREFIX)) found.push('(prefix)');
    return found;
  }
}

/** One thing the server (or the CLI) wrote, to be searched: an answer, a log line, a request it sent out. */
export interface Output {
  where: string;
  text: string;
}

export interface Exchange {
  status: number;
  headers: Headers;
  text: string;
}

/** Records every answer for the search; the Set-Cookie of a sign-in may be set aside (it carries that user's own token, by design). */
export class AnswerLog {
  readonly outputs: Output[] = [];
  requests = 0;

  async record(label: string, response: Promise<Response> | Response, opts: { ownSessionCookie?: boolean } = {}): Promise<Exchange> {
    const res = await response;
    const text = await res.text();
    this.requests++;
    const headers = [...res.headers.entries()]
      .filter(([name]) => !(opts.ownSessionCookie && name === 'set-cookie'))
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
    this.outputs.push({ where: `${label} → ${res.status}`, text: `${headers}\n\n${text}` });
    return { status: res.status, headers: res.headers, text };
  }

  /** For helpers that read the answer themselves (webhook-client). */
  add(label: string, status: number, headers: Headers, body: unknown): void {
    this.requests++;
    const head = [...headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
    this.outputs.push({ where: `${label} → ${status}`, text: `${head}\n\n${JSON.stringify(body)}` });
  }
}

/** Every (output, canary) pair found, as readable lines. */
export function leaksIn(outputs: readonly Output[], canaries: Canaries): string[] {
  return outputs.flatMap((o) => canaries.findIn(o.text).map((name) => `${name} in ${o.where}`));
}
