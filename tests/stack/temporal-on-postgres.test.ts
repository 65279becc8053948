import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/temporal/ports.js';
import { createTestDatabase, withClient } from '../helpers/postgres.js';
import { call } from '../chaos/http.js';
import { spawnCaptured, waitFor } from '../helpers/processes.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import { temporalServerBuild, type TemporalServerBuild } from '../helpers/temporal-server-build.js';
import { composeService, literal, mountServerVolumes, startTemporalServer } from './compose-services.js';

const execFileAsync = promisify(execFile);
const databaseUrl = process.env.DATABASE_URL ?? '';
const children: ChildProcess[] = [];
const cleanup: (() => Promise<unknown>)[] = [];
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const stores = { DBNAME: `temporal_${suffix}`, VISIBILITY_DBNAME: `temporal_visibility_${suffix}` };
let build: TemporalServerBuild;
let temporalDb: Record<string, string>;

/** Runs a compose job's script with `sh`, as the jobs' `entrypoint: ["/bin/sh"]` does. */
async function runJob(script: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await execFileAsync('sh', [script], { env: { ...process.env, ...env }, timeout: 180_000 });
  return stdout;
}

async function query<T extends pg.QueryResultRow>(database: string, text: string, values: unknown[] = []): Promise<T[]> {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return withClient(url.toString(), async (client) => (await client.query<T>(text, values)).rows);
}

const newestVersion = async (dir: string): Promise<string> =>
  (await readdir(dir))
    .map((name) => name.replace(/^v/, ''))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .at(-1) ?? '';

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

describe.skipIf(databaseUrl === '')("the compose stack's Temporal on PostgreSQL, run without containers", () => {
  beforeAll(async () => {
    build = await temporalServerBuild();
    const admin = new URL(databaseUrl);
    const schemaJob = await composeService('temporal-schema');
    // The compose values, with the host, port and credentials of the test's PostgreSQL.
    temporalDb = {
      DB: literal(schemaJob, 'DB'),
      POSTGRES_SEEDS: admin.hostname,
      DB_PORT: admin.port || '5432',
      POSTGRES_USER: decodeURIComponent(admin.username),
      POSTGRES_PWD: decodeURIComponent(admin.password) || 'unused-with-trust-auth',
      ...stores,
    };
    for (const name of Object.values(stores)) cleanup.push(() => query('postgres', `drop database if exists ${pg.escapeIdentifier(name)} with (force)`));
    const built = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8', timeout: 180_000 });
    expect(built.status, built.stderr).toBe(0);
  }, 30 * 60_000);

  it('the schema job creates both stores at the newest schema version, and a second run only updates them', { timeout: 300_000 }, async () => {
    const env = { ...temporalDb, PATH: `${dirname(build.sqlTool)}${delimiter}${process.env.PATH ?? ''}`, TEMPORAL_SCHEMA_DIR: build.postgresSchemaDir };
    const first = await runJob('deploy/temporal/setup-postgres.sh', env);
    expect(first).toContain(`${stores.DBNAME}: schema created`);
    expect(first).toContain(`${stores.VISIBILITY_DBNAME}: schema created`);
    const second = await runJob('deploy/temporal/setup-postgres.sh', env);
    expect(second).toContain(`${stores.DBNAME}: schema exists, updated to the newest version`);
    expect(second).toContain(`${stores.VISIBILITY_DBNAME}: schema exists, updated to the newest version`);

    for (const [database, dir] of [[stores.DBNAME, 'temporal'], [stores.VISIBILITY_DBNAME, 'visibility']] as const) {
      const rows = await query<{ curr_version: string }>(database, 'select curr_version from schema_version where db_name = $1', [database]);
      expect(rows.map((row) => row.curr_version)).toEqual([await newestVersion(join(build.postgresSchemaDir, dir, 'versioned'))]);
    }
  });

  it('temporal-server with the compose environment, then the namespace job, then the compiled API and worker: a sign-in and an approval; all stop on SIGTERM', { timeout: 300_000 }, async () => {
    const serverService = await composeService('temporal');
    const root = await mkdtemp(join(tmpdir(), 'temporal-server-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    await mountServerVolumes(serverService, root);
    const temporal = await startTemporalServer(build.server, root, { ...temporalDb, DYNAMIC_CONFIG_FILE_PATH: literal(serverService, 'DYNAMIC_CONFIG_FILE_PATH') }, children);

    const namespaceJob = await composeService('temporal-namespace');
    const cli = inject('temporalCliPath');
    const created = await runJob('deploy/temporal/create-namespace.sh', {
      PATH: `${dirname(cli)}${delimiter}${process.env.PATH ?? ''}`,
      TEMPORAL_ADDRESS: temporal.address,
      NAMESPACE: 'default',
      NAMESPACE_RETENTION: '7d',
      SEARCH_ATTRIBUTES: '',
    });
    expect(Object.keys(namespaceJob.environment).sort()).toEqual(['NAMESPACE', 'NAMESPACE_RETENTION', 'SEARCH_ATTRIBUTES', 'TEMPORAL_ADDRESS']);
    expect(created).toContain("namespace 'default' created (retention 7d)");

    const smtp = await startSmtpReceiver();
    cleanup.push(() => smtp.close());
    const appDb = await createTestDatabase(databaseUrl, 'stack_app');
    cleanup.push(() => appDb.drop());
    const apiPort = await findFreePort();
    const app = {
      NODE_ENV: 'production',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'backend',
      DATABASE_URL: appDb.url,
      SMTP_URL: smtp.url,
      DATA_DIR: root,
    };
    const worker = spawnCaptured(process.execPath, ['dist/worker.js'], app, children);
    const api = spawnCaptured(process.execPath, ['dist/server.js'], { ...app, PORT: String(apiPort) }, children);
    const base = `http://127.0.0.1:${apiPort}`;
    await waitFor(() => worker.output().includes('worker polling'), 60_000, 'the worker to poll');
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 60_000, 'the API to be ready');

    expect((await call(base, 'POST', '/auth/sign-in', { email: 'ops@example.com' })).status).toBe(202);
    const verified = await call(base, 'POST', '/auth/verify', { email: 'ops@example.com', code: await smtp.codeFor('ops@example.com', 30_000) });
    expect(verified.status).toBe(200);
    const token = String(verified.json.token);
    const approval = await call(base, 'POST', '/approvals', { title: 'Ship it', approvers: ['ops@example.com'] }, token);
    expect(approval.status).toBe(201);
    const decided = await call(base, 'POST', `/approvals/${String(approval.json.id)}/decision`, { decision: 'approve' }, token);
    expect(decided).toMatchObject({ status: 200, json: { status: 'approved' } });

    // Both workflows live in the server's PostgreSQL store.
    const executions = await query<{ workflow_id: string }>(stores.DBNAME, 'select workflow_id from current_executions');
    const ids = executions.map((row) => row.workflow_id);
    expect(ids.some((id) => id.startsWith('sign-in-'))).toBe(true);
    expect(ids).toContain(`approval-${String(approval.json.id)}`);

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    temporal.process.child.kill('SIGTERM');
    expect(await temporal.process.exited).toBe(0);
  });
});
