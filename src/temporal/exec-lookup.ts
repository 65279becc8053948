import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Tells whether `path` is a regular file this process may execute.
 *
 * @param path - the file to check
 * @returns true for an executable regular file (symlinks followed)
 */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Adds the platform's executable suffix to a program name.
 *
 * @param name - the bare program name, e.g. `temporal`
 * @returns `name.exe` on Windows, else `name`
 */
export function executableName(name: string): string {
  return process.platform === 'win32' ? `${name}.exe` : name;
}

/**
 * Looks a program up on `PATH`, like `command -v`.
 *
 * @param name - the bare program name
 * @param env - the environment whose `PATH` is searched
 * @returns the first executable match, or undefined
 */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir));
  for (const dir of dirs) {
    const candidate = join(dir, executableName(name));
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
