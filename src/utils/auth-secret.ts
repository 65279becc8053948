import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';

/** File under `DATA_DIR` that keeps the generated development secret. */
export const AUTH_SECRET_FILE = 'auth-secret';

/**
 * Returns `AUTH_SECRET`, or in development the secret generated on first
 * start and kept in `DATA_DIR` (so codes and sessions survive restarts).
 * Production never gets here without `AUTH_SECRET`: `loadConfig` refuses it.
 *
 * @param config - the parsed configuration
 * @returns the server secret for code MACs and signatures
 */
export async function resolveAuthSecret(config: Config): Promise<string> {
  if (config.authSecret !== undefined) return config.authSecret;
  if (config.production) throw new Error('AUTH_SECRET is required when NODE_ENV=production');
  const file = join(config.dataDir, AUTH_SECRET_FILE);
  await mkdir(config.dataDir, { recursive: true });
  try {
    // 'wx' fails if the file exists, so two processes never both generate one.
    await writeFile(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret; delete it to generate a new one`);
  return secret;
}
