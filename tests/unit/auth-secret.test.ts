import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AUTH_SECRET_FILE, resolveAuthSecret } from '../../src/utils/auth-secret.js';

describe('resolveAuthSecret', () => {
  it('prefers AUTH_SECRET', async () => {
    const secret = 's'.repeat(32);
    expect(await resolveAuthSecret(loadConfig({ AUTH_SECRET: secret }))).toBe(secret);
  });

  it('generates a dev secret once and keeps it in DATA_DIR', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'secret-')), 'nested');
    const config = loadConfig({ DATA_DIR: dataDir });
    const [first, concurrent] = await Promise.all([resolveAuthSecret(config), resolveAuthSecret(config)]);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(concurrent).toBe(first);
    expect(await resolveAuthSecret(config)).toBe(first);
    expect((await readFile(join(dataDir, AUTH_SECRET_FILE), 'utf8')).trim()).toBe(first);
    expect((await stat(join(dataDir, AUTH_SECRET_FILE))).mode & 0o077).toBe(0);
  });

  it('refuses an unusable secret file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'secret-'));
    await writeFile(join(dataDir, AUTH_SECRET_FILE), 'short');
    await expect(resolveAuthSecret(loadConfig({ DATA_DIR: dataDir }))).rejects.toThrow(/no usable secret/);
  });
});
