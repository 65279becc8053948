import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** A YAML mapping of `docker-compose.yml`, read loosely. */
export type ComposeDoc = Record<string, unknown>;

/**
 * `docker-compose.yml` parsed, with YAML merge keys (`<<: *temporal-db`)
 * resolved as Compose resolves them.
 *
 * @returns the document
 */
export async function loadCompose(): Promise<ComposeDoc> {
  return parse(await readFile('docker-compose.yml', 'utf8'), { merge: true }) as ComposeDoc;
}

/**
 * One service of a parsed compose document.
 *
 * @param doc - from {@link loadCompose}
 * @param name - the service name
 * @returns its mapping
 * @throws Error when there is no such service
 */
export function composeServiceOf(doc: ComposeDoc, name: string): ComposeDoc {
  const services = doc.services as Record<string, ComposeDoc>;
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}
