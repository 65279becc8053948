import { ApplicationFailure, Client, Connection, ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DatabaseUnavailableError } from '../../src/db/errors.js';
import { AppError } from '../../src/utils/app-error.js';
import { withTimeout } from '../../src/utils/timeout.js';
import { buildTestApp } from './build-test-app.js';
import { closedPort } from '../helpers/net.js';


let app: App;
let port: number;
const throwers: Record<string, () => unknown> = {
  app: () => {
    throw new AppError('invalid_code', 'Wrong code', { attemptsRemaining: 2, code: 'ignored' });
  },
  cooldown: () => {
    throw new AppError('too_many_requests', 'Wait', {}, { retryAfterSeconds: 41.2 });
  },
  'service-error': () => {
    throw new ServiceError('Unexpected error while making gRPC request');
  },
  'grpc-unavailable': () => {
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection established',
      metadata: {},
    });
    throw new ServiceError('Failed to start Workflow', { cause: grpc });
  },
  'grpc-invalid': () => {
    const grpc = Object.assign(new Error('3 INVALID_ARGUMENT: bad'), { code: 3, details: 'bad', metadata: {} });
    throw new ServiceError('Failed to start Workflow', { cause: grpc });
  },
  'temporal-down': async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection });
    try {
      return await connection.withDeadline(Date.now() + 500, () =>
        client.workflow.start('noop', { taskQueue: 'q', workflowId: 'w', args: [] }),
      );
    } finally {
      await connection.close();
    }
  },
  'temporal-connect': () => Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 300 }),
  'database-down': async () => {
    const client = new pg.Client({ connectionString: `postgres://u:p@127.0.0.1:${port}/db` });
    await client.connect();
  },
  'pg-shutdown': () => {
    const error = new pg.DatabaseError('terminating connection due to administrator command', 0, 'error');
    error.code = '57P01';
    throw error;
  },
  'database-ping-timeout': () => {
    throw new DatabaseUnavailableError('database did not answer within 2000 ms');
  },
  timeout: () => withTimeout(new Promise(() => undefined), 50, 'temporal'),
  'update-failed': () => {
    const failure = ApplicationFailure.nonRetryable('This approval is no longer pending', 'not_pending');
    throw new WorkflowUpdateFailedError('Workflow Update failed', failure);
  },
  'update-failed-details': () => {
    const failure = ApplicationFailure.create({ message: 'Wrong code', type: 'invalid_code', details: [{ attemptsRemaining: 1 }] });
    throw new WorkflowUpdateFailedError('Workflow Update failed', failure);
  },
  'foreign-failure': () => {
    throw new WorkflowUpdateFailedError('failed', ApplicationFailure.nonRetryable('secret detail', 'SomethingElse'));
  },
  'workflow-not-found': () => {
    throw new WorkflowNotFoundError('no such workflow', 'approval-1', undefined);
  },
  unknown: () => {
    throw new Error('password=hunter2 at /srv/secret/path.ts');
  },
  'non-error': () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- on purpose: libraries do throw non-Errors
    throw Object.freeze({ weird: true });
  },
};

beforeAll(async () => {
  port = await closedPort();
  app = await buildTestApp({
    routes: (instance) => {
      instance.get<{ Params: { kind: string } }>('/test/throw/:kind', async (request) => {
        const thrower = throwers[request.params.kind];
        if (thrower === undefined) throw new Error('unknown kind');
        await thrower();
        return { ok: true };
      });
    },
  });
});
afterAll(async () => {
  await app.close();
});

async function hit(kind: string): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url: `/test/throw/${kind}` });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

const UNAVAILABLE = {
  error: { code: 'unavailable', message: 'A service we depend on is not answering. Please try again shortly.' },
};
const INTERNAL = { error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again later.' } };

describe('thrown errors', () => {
  it('sends an AppError with its status and extra fields inside error (code and message win)', async () => {
    expect(await hit('app')).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_code', message: 'Wrong code', attemptsRemaining: 2 } },
    });
  });

  it('sends Retry-After in whole seconds when the AppError carries one', async () => {
    const res = await hit('cooldown');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    expect(res.body).toEqual({ error: { code: 'too_many_requests', message: 'Wait' } });
  });

  it.each(['service-error', 'grpc-unavailable', 'temporal-down', 'temporal-connect', 'timeout'])(
    'answers Temporal failure "%s" with 503 unavailable',
    async (kind) => {
      expect(await hit(kind)).toMatchObject({ status: 503, body: UNAVAILABLE });
    },
  );

  it.each(['database-down', 'pg-shutdown', 'database-ping-timeout'])('answers database failure "%s" with 503 unavailable', async (kind) => {
    expect(await hit(kind)).toMatchObject({ status: 503, body: UNAVAILABLE });
  });

  it('answers a ServiceError caused by our own bad request (INVALID_ARGUMENT) with 500', async () => {
    expect(await hit('grpc-invalid')).toMatchObject({ status: 500, body: INTERNAL });
  });

  it("maps a workflow's ApplicationFailure with a contract code to that code", async () => {
    expect(await hit('update-failed')).toMatchObject({
      status: 409,
      body: { error: { code: 'not_pending', message: 'This approval is no longer pending' } },
    });
    expect(await hit('update-failed-details')).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_code', message: 'Wrong code', attemptsRemaining: 1 } },
    });
  });

  it('maps a workflow-not-found to 404 not_found', async () => {
    expect(await hit('workflow-not-found')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it.each(['unknown', 'non-error', 'foreign-failure'])(
    'answers "%s" with 500 internal_error, leaking neither message nor stack',
    async (kind) => {
      const res = await app.inject({ method: 'GET', url: `/test/throw/${kind}` });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual(INTERNAL);
      expect(res.body).not.toMatch(/hunter2|secret|at \/|\.ts/);
    },
  );
});
