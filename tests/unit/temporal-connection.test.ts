import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { resolveTemporalTarget } from '../../src/temporal/connection.js';

const noFile = { TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };

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

  it('refuses to guess an address', () => {
    expect(() => resolveTemporalTarget(loadConfig({}), undefined, noFile)).toThrow(/TEMPORAL_ADDRESS is not set/);
  });
});
