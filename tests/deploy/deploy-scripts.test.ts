import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.js';
import { findFreePort } from '../../src/temporal/ports.js';

const execFileAsync = promisify(execFile);
const cleanup: (() => Promise<unknown>)[] = [];

async function run(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await execFileAsync('sh', [script], { env: { ...process.env, ...env }, timeout: 120_000 });
  return stdout;
}

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

describe('deploy/temporal/create-namespace.sh (the compose namespace job)', () => {
  let server: DevServer;
  const cliPath = inject('temporalCliPath');

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ns-job-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    server = await startDevServer({
      cliPath,
      dataDir,
      port: await findFreePort(),
      uiPort: await findFreePort(),
      namespace: 'default',
      logger: pino({ level: 'silent' }),
    });
    cleanup.push(() => server.stop());
  }, 120_000);

  it('creates the namespace and the search attributes, and a second run changes nothing', async () => {
    const env = {
      PATH: `${dirname(cliPath)}${delimiter}${process.env.PATH ?? ''}`,
      TEMPORAL_ADDRESS: server.address,
      NAMESPACE: 'deploy-job',
      NAMESPACE_RETENTION: '3d',
      SEARCH_ATTRIBUTES: 'DeployStage=Keyword, DeployRound=Int',
    };
    const first = await run('deploy/temporal/create-namespace.sh', env);
    expect(first).toContain("namespace 'deploy-job' created (retention 3d)");
    expect(first).toContain("search attribute 'DeployStage' (Keyword) created");

    const second = await run('deploy/temporal/create-namespace.sh', env);
    expect(second).toContain("namespace 'deploy-job' exists");
    expect(second).toContain("search attribute 'DeployRound' exists");

    const cli = (...args: string[]) => execFileAsync(cliPath, [...args, '--address', server.address, '-o', 'json']);
    const described = JSON.parse((await cli('operator', 'namespace', 'describe', '-n', 'deploy-job')).stdout) as {
      config: { workflowExecutionRetentionTtl: string };
    };
    expect(described.config.workflowExecutionRetentionTtl).toBe('259200s');
    const attributes = JSON.parse((await cli('operator', 'search-attribute', 'list', '-n', 'deploy-job')).stdout) as {
      customAttributes: Record<string, string>;
    };
    expect(attributes.customAttributes).toMatchObject({
      DeployStage: 'INDEXED_VALUE_TYPE_KEYWORD',
      DeployRound: 'INDEXED_VALUE_TYPE_INT',
    });
  }, 120_000);

  it('gives up with a clear message when no server answers', async () => {
    const env = { PATH: `${dirname(cliPath)}${delimiter}${process.env.PATH ?? ''}` };
    const failure = run('deploy/temporal/create-namespace.sh', {
      ...env,
      TEMPORAL_ADDRESS: `127.0.0.1:${await findFreePort()}`,
      HEALTH_ATTEMPTS: '1',
    });
    const error = (await failure.then(() => undefined, (reason: unknown) => reason)) as { stderr?: string } | undefined;
    expect(error?.stderr).toContain('is not healthy after 1 attempts');
  });
});

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(databaseUrl === undefined)('deploy/postgres/create-app-database.sh (PostgreSQL first start)', () => {
  it("creates the app's role and database once, and the app can connect with them", async () => {
    const admin = new URL(databaseUrl ?? '');
    const suffix = `${process.pid}_${Date.now()}`;
    const app = { user: `app_${suffix}`, password: 'app-password-for-test', db: `app_${suffix}` };
    const env = {
      PGHOST: admin.hostname,
      PGPORT: admin.port || '5432',
      PGPASSWORD: decodeURIComponent(admin.password),
      POSTGRES_USER: decodeURIComponent(admin.username),
      APP_DB_USER: app.user,
      APP_DB_PASSWORD: app.password,
      APP_DB_NAME: app.db,
    };
    const adminClient = new pg.Client({ connectionString: databaseUrl });
    await adminClient.connect();
    cleanup.push(async () => {
      await adminClient.query(`drop database if exists ${pg.escapeIdentifier(app.db)} with (force)`);
      await adminClient.query(`drop role if exists ${pg.escapeIdentifier(app.user)}`);
      await adminClient.end();
    });

    expect(await run('deploy/postgres/create-app-database.sh', env)).toContain(`app database '${app.db}'`);
    await run('deploy/postgres/create-app-database.sh', env);

    const url = new URL(databaseUrl ?? '');
    url.username = app.user;
    url.password = app.password;
    url.pathname = `/${app.db}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ who: string; db: string }>('select current_user as who, current_database() as db');
      expect(rows[0]).toEqual({ who: app.user, db: app.db });
      await client.query('create table ownership_check (id int)');
    } finally {
      await client.end();
    }
  }, 60_000);
});
