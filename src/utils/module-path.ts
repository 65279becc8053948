import { fileURLToPath } from 'node:url';

/**
 * Resolves a sibling module of the caller with the caller's own extension,
 * so the same code finds `x.ts` when run from source (tsx) and `x.js` when
 * run from the compiled `dist/`.
 *
 * @param importMetaUrl - the caller's `import.meta.url`
 * @param relativeWithoutExtension - e.g. `'../workflows/index'`
 * @returns an absolute file path
 */
export function siblingModulePath(importMetaUrl: string, relativeWithoutExtension: string): string {
  const extension = importMetaUrl.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`${relativeWithoutExtension}${extension}`, importMetaUrl));
}
