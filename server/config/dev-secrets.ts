/**
 * Development must work with nothing set, yet the Opal auth key and the
 * webhook secret must not be fixed strings anyone could copy. So when they
 * are unset (never in production) they are generated once, kept in
 * `<dataDir>/dev-secrets.json` (mode 0600) and reused, so that a relay or a
 * test script configured with them keeps working across restarts.
 *
 * Synchronous on purpose: it runs once, inside the synchronous loadConfig.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const DEV_SECRETS_FILE = 'dev-secrets.json';

export type DevSecretName = 'OPAL_STRATEGY_WORKFLOW_AUTH_KEY' | 'OSA_WEBHOOK_SHARED_SECRET';
export type DevSecrets = Partial<Record<DevSecretName, string>>;

const storedSchema = z.looseObject({
  OPAL_STRATEGY_WORKFLOW_AUTH_KEY: z.string().min(32).optional(),
  OSA_WEBHOOK_SHARED_SECRET: z.string().startsWith('whsec_').optional(),
});

/** Thrown with a message that names the file and the cause, never the contents. */
export class DevSecretsError extends Error {
  override readonly name = 'DevSecretsError';
}

/**
 * The webhook secret is `whsec_` + base64 of 32 bytes: a Standard Webhooks
 * key as it stands, and 50 characters of text for the OSA scheme.
 */
export function generateDevSecret(name: DevSecretName): string {
  return name === 'OSA_WEBHOOK_SHARED_SECRET'
    ? `whsec_${randomBytes(32).toString('base64')}`
    : randomBytes(32).toString('base64url');
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}

function readStored(file: string): DevSecrets | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new DevSecretsError(`cannot read ${file} (${errorCode(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text, i.e. the secrets.
    throw new DevSecretsError(`${file} is not valid JSON; delete it to generate new development secrets`);
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) {
    throw new DevSecretsError(`${file} does not hold valid secrets; delete it to generate new development secrets`);
  }
  return parsed.data;
}

/**
 * Returns a value for each of `names`: from the file when it has one, else
 * freshly generated (and written back when `persist`).
 */
export function provideDevSecrets(
  names: readonly DevSecretName[],
  opts: { dataDir: string; persist: boolean },
): DevSecrets {
  if (names.length === 0) return {};
  if (!opts.persist) return Object.fromEntries(names.map((n) => [n, generateDevSecret(n)]));

  const file = join(opts.dataDir, DEV_SECRETS_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const stored = readStored(file);
    const missing = names.filter((n) => stored?.[n] === undefined);
    try {
      if (missing.length === 0) {
        // An older or hand-made file may be readable by others: tighten it.
        chmodSync(file, 0o600);
      } else {
        const next = { ...stored, ...Object.fromEntries(missing.map((n) => [n, generateDevSecret(n)])) };
        mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
        // Written whole to a temporary file first, so a concurrent start never reads half a file.
        const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
        if (stored === undefined) {
          // link fails if another process created the file meanwhile: then read theirs.
          try {
            linkSync(temp, file);
          } catch (error) {
            if (errorCode(error) !== 'EEXIST') throw error;
            continue;
          } finally {
            unlinkSync(temp);
          }
        } else {
          renameSync(temp, file);
        }
        chmodSync(file, 0o600);
        return pick(next, names);
      }
    } catch (error) {
      if (error instanceof DevSecretsError) throw error;
      throw new DevSecretsError(`cannot write ${file} (${errorCode(error)})`);
    }
    return pick(stored ?? {}, names);
  }
  throw new DevSecretsError(`${file} keeps changing while being read`);
}

function pick(all: DevSecrets, names: readonly DevSecretName[]): DevSecrets {
  return Object.fromEntries(names.map((n) => [n, all[n]]));
}
