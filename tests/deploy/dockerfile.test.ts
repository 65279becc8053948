import { builtinModules } from 'node:module';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

describe('Dockerfile', () => {
  it('builds in three stages on a glibc slim Node image and runs as a non-root user with a health check', async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)/gim)].map((m) => m[2]);
    expect(stages).toEqual(['deps', 'build', 'runtime']);
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
    expect(image).toMatch(/^node:\d+-(bookworm|trixie)-slim$/);
    expect(image).not.toMatch(/alpine/);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "dist\/tools\/healthcheck\.js"\]$/m);
    expect(runtime).toMatch(/ca-certificates/);
    expect(runtime).toMatch(/^CMD \["node", "dist\/server\.js"\]$/m);
    expect(runtime).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('bakes no secret into the image', async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    const declared = [...dockerfile.matchAll(/^(?:ENV|ARG)\s+([\s\S]*?)(?<!\\)$/gm)].map((m) => m[1] ?? '');
    expect(declared.join(' ')).not.toMatch(/SECRET|PASSWORD|API_KEY|TOKEN/);
    const ignore = (await readFile('.dockerignore', 'utf8')).split('\n').filter((line) => line && !line.startsWith('#'));
    // Everything is excluded, then only what the build needs is let back in.
    expect(ignore[0]).toBe('**');
    expect(ignore.filter((line) => line.startsWith('!'))).toEqual([
      '!package.json',
      '!package-lock.json',
      '!tsconfig.json',
      '!tsconfig.build.json',
      '!src/**',
    ]);
  });

  it('needs only production dependencies at run time (the runtime stage installs no devDependencies)', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    for (const file of await sourceFiles('src')) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
        const specifier = match[1] ?? '';
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
        if (!(packageOf(specifier) in pkg.dependencies)) missing.add(`${packageOf(specifier)} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
