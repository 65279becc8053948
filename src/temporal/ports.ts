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

/**
 * Asks the OS for a currently free TCP port.
 *
 * @param host - the address to bind (default `127.0.0.1`)
 * @returns a port number that was free a moment ago
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the bound port'))));
    });
  });
}
