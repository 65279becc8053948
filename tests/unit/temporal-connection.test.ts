import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { resolveTemporalTarget } from '../../src/temporal/connection.js';

const noFile = { TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };
let dir = '';
let profileFile = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'envconfig-'));
  profileFile = join(dir, 'temporal.toml');
  const profile = ['[profile.cloud]', 'address = "acme.a1b2.tmprl.cloud:7233"', 'namespace = "acme.a1b2"', 'api_key = "key-from-profile"'];
  await writeFile(profileFile, `${profile.join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('resolveTemporalTarget', () => {
  it('uses the embedded dev server when TEMPORAL_ADDRESS is unset', () => {
    const target = resolveTemporalTarget(loadConfig({}), '127.0.0.1:7233', noFile);
    expect(target).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'backend' });
    expect(target.connectionOptions.address).toBe('127.0.0.1:7233');
    expect(target.connectionOptions.tls).toBeFalsy();
  });

  it('honours TEMPORAL_ADDRESS, namespace, API key and TLS from the standard env config', () => {
    const env = {
      ...noFile,
      TEMPORAL_ADDRESS: 'example.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'prod.abc12',
      TEMPORAL_API_KEY: 'key-123',
      TEMPORAL_TASK_QUEUE: 'jobs',
    };
    const target = resolveTemporalTarget(loadConfig(env), undefined, env);
    expect(target).toMatchObject({ address: 'example.tmprl.cloud:7233', namespace: 'prod.abc12', taskQueue: 'jobs' });
    expect(target.connectionOptions.apiKey).toBe('key-123');
    expect(target.connectionOptions.tls).toBeTruthy();
  });

  it('takes address, namespace and API key from a TOML profile (TEMPORAL_PROFILE), env vars winning over it', () => {
    const env = { TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'cloud' };
    const target = resolveTemporalTarget(loadConfig(env), undefined, env);
    expect(target).toMatchObject({ address: 'acme.a1b2.tmprl.cloud:7233', namespace: 'acme.a1b2' });
    expect(target.connectionOptions).toMatchObject({ apiKey: 'key-from-profile', tls: true });

    const overridden = { ...env, TEMPORAL_ADDRESS: 'other.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'other.ns' };
    const target2 = resolveTemporalTarget(loadConfig(overridden), undefined, overridden);
    expect(target2).toMatchObject({ address: 'other.tmprl.cloud:7233', namespace: 'other.ns' });
    expect(target2.connectionOptions.address).toBe('other.tmprl.cloud:7233');
  });

  it('treats empty Temporal variables as unset (compose passes them through empty)', () => {
    const env = { ...noFile, TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_API_KEY: '', TEMPORAL_TLS: ' ' };
    const target = resolveTemporalTarget(loadConfig(env), undefined, env);
    expect(target.connectionOptions).toEqual({ address: 'temporal:7233' });
  });

  it('never applies a profile to the embedded dev server', () => {
    const env = { TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'cloud' };
    const target = resolveTemporalTarget(loadConfig(env), '127.0.0.1:7233', env);
    expect(target).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(target.connectionOptions).toEqual({ address: '127.0.0.1:7233' });
  });

  it('refuses to guess an address', () => {
    expect(() => resolveTemporalTarget(loadConfig({}), undefined, noFile)).toThrow(/TEMPORAL_ADDRESS is not set/);
  });
});
