import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join, posix } from 'node:path';
import { findFreePort } from '../../src/temporal/ports.js';
import { composeServiceOf, loadCompose } from '../helpers/compose-file.js';
import { type CapturedProcess, spawnCaptured, waitFor } from '../helpers/processes.js';

/** One service of `docker-compose.yml`, as far as these tests read it. */
export interface ComposeService {
  readonly environment: Record<string, string>;
  readonly volumes: readonly string[];
}

/**
 * A service of `docker-compose.yml` (merge keys resolved).
 *
 * @param name - the service name
 * @returns its environment and volumes
 */
export async function composeService(name: string): Promise<ComposeService> {
  const found = composeServiceOf(await loadCompose(), name) as Partial<ComposeService>;
  return { environment: found.environment ?? {}, volumes: found.volumes ?? [] };
}

/**
 * The compose file's value of a variable when it is a literal (no `${…}`):
 * the tests use those as the stack would, and replace only host names,
 * ports and credentials.
 *
 * @param service - a compose service
 * @param name - the variable
 * @returns the literal value
 */
export function literal(service: ComposeService, name: string): string {
  const value = service.environment[name];
  if (value === undefined || value.includes('${')) throw new Error(`compose sets no literal ${name}`);
  return value;
}

/** Where the `temporalio/server` image runs its entry point (its `WORKDIR`). */
const SERVER_WORKDIR = '/etc/temporal';

/**
 * Lays out the files the compose file mounts into the server container under
 * `root`, as if `root` were the image's `/etc/temporal`.
 *
 * @param service - the compose `temporal` service
 * @param root - the server's working directory
 */
export async function mountServerVolumes(service: ComposeService, root: string): Promise<void> {
  for (const volume of service.volumes) {
    const [source, target] = volume.split(':');
    if (source === undefined || target === undefined || !target.startsWith(`${SERVER_WORKDIR}/`)) throw new Error(`unexpected volume ${volume}`);
    const destination = join(root, posix.relative(SERVER_WORKDIR, target));
    await mkdir(dirname(destination), { recursive: true });
    await copyFile(source, destination);
  }
}

/** A running `temporal-server start`. */
export interface ServerProcess {
  readonly address: string;
  readonly process: CapturedProcess;
}

const SERVICES = ['FRONTEND', 'HISTORY', 'MATCHING', 'WORKER'] as const;

/**
 * Starts `temporal-server start` (the image's entry point) in `root` with the
 * given environment plus free ports for every role on 127.0.0.1, and waits
 * until the frontend port accepts connections (the compose health check,
 * `nc -z localhost 7233`).
 *
 * @param binary - the `temporal-server` binary
 * @param root - working directory, laid out by {@link mountServerVolumes}
 * @param env - the compose environment, hosts and credentials replaced
 * @param registry - where the child is recorded for clean-up
 * @returns the server and its frontend address
 */
export async function startTemporalServer(binary: string, root: string, env: Record<string, string>, registry: ChildProcess[]): Promise<ServerProcess> {
  const ports: Record<string, string> = { FRONTEND_HTTP_PORT: String(await findFreePort()) };
  for (const role of SERVICES) {
    ports[`${role}_GRPC_PORT`] = String(await findFreePort());
    ports[`${role}_MEMBERSHIP_PORT`] = String(await findFreePort());
  }
  const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT ?? ''}`;
  const child = spawnCaptured(binary, ['start'], { ...env, ...ports, BIND_ON_IP: '127.0.0.1' }, registry, root);
  // A bad configuration (a missing dynamic config file, say) ends the server at once: fail then, not at the timeout.
  const died = child.exited.then((code) => Promise.reject(new Error(`temporal-server exited with ${String(code)}:\n${child.output().slice(-2000)}`)));
  died.catch(() => undefined);
  await Promise.race([waitFor(() => accepts(address), 120_000, 'temporal-server to listen'), died]);
  return { address, process: child };
}

function accepts(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect(Number(port), host ?? '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
