import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Lifecycle } from '../../src/bootstrap/lifecycle.js';
import { openServices } from '../../src/bootstrap/open-services.js';
import { startApi } from '../../src/bootstrap/start-api.js';
import { startWorker } from '../../src/bootstrap/start-worker.js';
import { loadConfig } from '../../src/config.js';
import { resolveTemporalTarget } from '../../src/temporal/connection.js';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { findFreePort as freePort } from '../../src/temporal/ports.js';

const logger = pino({ level: 'silent' });

describe('real dev server + worker + API, wired as npm start wires them', () => {
  const lifecycle = new Lifecycle(logger);
  let server: DevServer;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    installTemporalRuntime(logger);
    const dataDir = await mkdtemp(join(tmpdir(), 'stack-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      TEMPORAL_TASK_QUEUE: `stack-${Date.now()}`,
      RATE_LIMIT_PER_MINUTE: '0',
    });
    server = await startDevServer({
      cliPath: inject('temporalCliPath'),
      dataDir,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      logger,
    });
    lifecycle.add('dev server', () => server.stop());
    const context = { config, logger, lifecycle };
    const target = resolveTemporalTarget(config, server.address);
    const services = await openServices(context, target);
    await startWorker(context, target, services);
    ({ app, url } = await startApi(context, services));
  });

  afterAll(() => lifecycle.stopAll());

  it('is ready, documented and measured over real HTTP', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', database: 'ok' } });

    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/readyz",status_code="200"\} 1/);
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('answers 503 within 5 s once Temporal is gone, and stays alive', async () => {
    await server.stop();
    const started = Date.now();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      error: { code: 'unavailable', checks: { temporal: 'fail', database: 'ok' } },
    });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
