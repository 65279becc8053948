import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSpecSchema } from '../helpers/compose-schema.js';
import { composeServiceOf as service, loadCompose } from '../helpers/compose-file.js';

const execFileAsync = promisify(execFile);
const COMPOSE_FILE = 'docker-compose.yml';
const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';

type Doc = Record<string, unknown>;
let emptyEnvDir: string;

/** Runs Debian's `docker-compose` (v1) or, where only that exists, `docker compose` (v2), with a controlled environment. */
async function composeConfig(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const emptyEnvFile = join(emptyEnvDir, 'empty.env');
  const args = ['--env-file', emptyEnvFile, '-f', file, 'config', '-q'];
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  for (const [command, prefix] of [['docker-compose', []], ['docker', ['compose']]] as const) {
    try {
      await execFileAsync(command, [...prefix, ...args], { env: base, timeout: 60_000 });
      return { code: 0, stderr: '' };
    } catch (error) {
      const failure = error as { code?: number | string; stderr?: string };
      if (failure.code === 'ENOENT') continue;
      if (command === 'docker' && /not a docker command|unknown command/i.test(failure.stderr ?? '')) continue;
      return { code: typeof failure.code === 'number' ? failure.code : 1, stderr: failure.stderr ?? '' };
    }
  }
  throw new Error("neither docker-compose nor 'docker compose' is installed (apt-get install docker-compose)");
}

beforeAll(async () => {
  emptyEnvDir = await mkdtemp(join(tmpdir(), 'compose-env-'));
  await writeFile(join(emptyEnvDir, 'empty.env'), '');
});
afterAll(async () => rm(emptyEnvDir, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  it('passes docker-compose config -q when AUTH_SECRET is set', async () => {
    const result = await composeConfig(COMPOSE_FILE, { AUTH_SECRET: SECRET });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses to start without AUTH_SECRET and says which variable is missing', async () => {
    const result = await composeConfig(COMPOSE_FILE, {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('AUTH_SECRET');
  });

  it('is valid against the Compose Specification JSON schema, and the check can fail', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(await composeSpecSchema());
    const doc = await loadCompose();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);

    const broken = structuredClone(doc);
    service(broken, 'api').depends_on = { postgresql: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
  });

  it('runs Temporal on PostgreSQL 16 the official way: schema job, server, namespace job', async () => {
    const doc = await loadCompose();
    const postgres = service(doc, 'postgresql');
    expect(postgres.image).toBe('postgres:16');
    expect(postgres.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect((doc.volumes as Doc)['postgres-data']).toBeNull();
    expect(postgres.healthcheck).toBeDefined();

    const images = Object.values(doc.services as Record<string, Doc>).map((s) => (typeof s.image === 'string' ? s.image : ''));
    expect(images.some((image) => image.includes('auto-setup'))).toBe(false);

    const schema = service(doc, 'temporal-schema');
    expect(String(schema.image)).toMatch(/^temporalio\/admin-tools:/);
    expect(schema.command).toEqual(['/scripts/setup-postgres.sh']);

    const server = service(doc, 'temporal');
    expect(String(server.image)).toMatch(/^temporalio\/server:/);
    expect((server.environment as Doc).DB).toBe('postgres12');
    expect(server.healthcheck).toBeDefined();
    expect(server.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });

    const namespace = service(doc, 'temporal-namespace');
    expect(namespace.command).toEqual(['/scripts/create-namespace.sh']);
    expect(namespace.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(String(service(doc, 'temporal-ui').image)).toMatch(/^temporalio\/ui:/);
    expect(String(service(doc, 'mailpit').image)).toMatch(/^axllent\/mailpit:/);
  });

  it('runs API and worker from one image, the worker scalable, both after the namespace exists', async () => {
    const doc = await loadCompose();
    const api = service(doc, 'api');
    const worker = service(doc, 'worker');
    expect(worker.image).toBe(api.image);
    expect([api.build, worker.build]).toEqual(['.', '.']);
    expect(api.command).toEqual(['node', 'dist/server.js']);
    expect(worker.command).toEqual(['node', 'dist/worker.js']);
    // Scaling (`--scale worker=N`) needs no fixed container name and no host port.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    for (const app of [api, worker]) {
      expect((app.depends_on as Doc)['temporal-namespace']).toEqual({ condition: 'service_completed_successfully' });
      const env = app.environment as Doc;
      expect(env.NODE_ENV).toBe('production');
      expect(String(env.DATABASE_URL)).toMatch(/@postgresql:5432\/\$\{APP_DB_NAME:-app\}$/);
      expect(env.TEMPORAL_ADDRESS).toBe('${TEMPORAL_ADDRESS:-temporal:7233}');
    }
  });

  it('documents every variable it reads in .env.example, which commits no secret', async () => {
    const compose = await readFile(COMPOSE_FILE, 'utf8');
    const used = new Set([...compose.matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]));
    const example = await readFile('.env.example', 'utf8');
    const documented = new Map(
      [...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1], match[2]] as const),
    );
    expect([...used].filter((name) => name !== undefined && !documented.has(name))).toEqual([]);
    expect([...documented.keys()].filter((name) => !used.has(name))).toEqual([]);
    expect(documented.get('AUTH_SECRET')).toBe('');
  });
});
