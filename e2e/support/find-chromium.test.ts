import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureChromium, findChromium } from './find-chromium';

const dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, exitCode: number): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "Fake Chromium"\nexit ${exitCode}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and refuses one that does not exist', () => {
    const own = script('own-chromium', 0);
    expect(findChromium({ CHROMIUM_PATH: own })).toEqual({ path: own, source: 'CHROMIUM_PATH' });
    expect(() => findChromium({ CHROMIUM_PATH: join(dir, 'typo') })).toThrow(/CHROMIUM_PATH .*typo.* does not exist/);
  });

  it('prefers the npm package to a system Chromium, unpacked into the user cache folder', () => {
    const system = script('system-chromium', 0);
    const choice = findChromium({ XDG_CACHE_HOME: join(dir, 'cache') }, { systemCandidates: [system] });
    expect(choice.source).toBe('npm package');
    expect(choice.path).toMatch(new RegExp(`^${join(dir, 'cache', 'opal-force-sync')}/chromium-\\d+\\.\\d+\\.\\d+/chromium$`));
    expect(choice.packed?.binDir).toMatch(/@sparticuz\/chromium\/bin$/);
  });

  it('without the package, passes over a system binary that cannot start', () => {
    const broken = script('broken-chromium', 1);
    const working = script('working-chromium', 0);
    const missing = join(dir, 'not-installed');
    expect(findChromium({}, { packageDir: null, systemCandidates: [missing, broken, working] })).toEqual({ path: working, source: 'system' });
    expect(() => findChromium({}, { packageDir: null, systemCandidates: [missing, broken] })).toThrow(/npm install .*CHROMIUM_PATH/);
  });
});

describe('ensureChromium', () => {
  it("unpacks the package's Chromium once, into a browser that starts", async () => {
    const choice = findChromium({ XDG_CACHE_HOME: join(dir, 'unpacked') });
    const path = await ensureChromium(choice);
    expect(path).toBe(choice.path);
    expect(execFileSync(path, ['--version'], { encoding: 'utf8' })).toMatch(/^Chromium \d+\./);
    const unpackedAt = statSync(path).mtimeMs;
    // The second run finds it and leaves it as it is (no staging folder left beside it either).
    expect(await ensureChromium(choice)).toBe(path);
    expect(statSync(path).mtimeMs).toBe(unpackedAt);
    expect(execFileSync('ls', [join(dir, 'unpacked', 'opal-force-sync')], { encoding: 'utf8' }).trim().split('\n')).toEqual([`chromium-${choice.packed?.version}`]);
  }, 120_000);
});
