import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from './build-test-app.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  err?: { message: string; stack: string };
}

const lines: LogLine[] = [];
let app: App;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  app = await buildTestApp({
    logger: pino({ level: 'info' }, sink),
    routes: (instance) => {
      instance.get('/test/boom', () => {
        throw new Error('database password is hunter2');
      });
    },
  });
});
afterAll(async () => {
  await app.close();
});

describe('request logging', () => {
  it('logs a 500 with its stack and request id, and returns neither', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    const requestId = res.headers['x-request-id'];
    const logged = lines.find((line) => line.level === 50 && line.reqId === requestId);
    expect(logged?.err?.message).toBe('database password is hunter2');
    expect(logged?.err?.stack).toContain('logging.test.ts');
  });

  it('logs a client error at info without a stack', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    const requestId = res.headers['x-request-id'];
    const forRequest = lines.filter((line) => line.reqId === requestId);
    expect(forRequest.length).toBeGreaterThan(0);
    expect(forRequest.every((line) => line.level <= 30 && line.err === undefined)).toBe(true);
  });
});
