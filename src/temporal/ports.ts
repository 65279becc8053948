import { createServer } from 'node:net';

/** Thrown when a port the dev server needs is already taken. */
export class PortInUseError extends Error {
  /**
   * @param host - the address that was probed
   * @param port - the port in use
   * @param purpose - what the port was wanted for
   */
  constructor(
    readonly host: string,
    readonly port: number,
    purpose: string,
  ) {
    super(
      `Port ${port} on ${host} (${purpose}) is already in use. Another Temporal dev server may be running: ` +
        'stop it, point TEMPORAL_ADDRESS at it, or choose other ports (TEMPORAL_DEV_SERVER_PORT, TEMPORAL_DEV_UI_PORT).',
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Tells whether nothing listens on `host:port`, by binding it for a moment.
 *
 * @param host - the address to bind
 * @param port - the TCP port
 * @returns true when the port could be bound
 * @throws the bind error when it is not "address in use" (e.g. bad host)
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * Fails fast when something already listens on `host:port`.
 *
 * @param host - the address to bind
 * @param port - the TCP port
 * @param purpose - what the port is for, used in the message
 * @throws PortInUseError when the port is taken
 */
export async function assertPortFree(host: string, port: number, purpose: string): Promise<void> {
  if (!(await isPortFree(host, port))) throw new PortInUseError(host, port, purpose);
}

/** Ports {@link findFreePort} picks from: below Linux's ephemeral range (32768-60999). */
export const FREE_PORT_RANGE = { min: 20_000, max: 32_000 } as const;

/**
 * Finds a currently free TCP port for a server to listen on. It picks at
 * random below the ephemeral range, because a port the OS hands out with
 * `listen(0)` comes from the range it also uses for outgoing connections, and
 * one of those may take it before the server binds it.
 *
 * @param host - the address to bind (default `127.0.0.1`)
 * @returns a port number that was free a moment ago
 * @throws Error when 100 random picks were all taken
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = FREE_PORT_RANGE.min + Math.floor(Math.random() * (FREE_PORT_RANGE.max - FREE_PORT_RANGE.min));
    if (await isPortFree(host, port)) return port;
  }
  throw new Error(`no free port found on ${host} between ${FREE_PORT_RANGE.min} and ${FREE_PORT_RANGE.max}`);
}
