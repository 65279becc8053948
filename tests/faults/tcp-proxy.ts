import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** Counts of what the proxy did, for the test's report. */
export interface ProxyStats {
  /** Connections forwarded to the target. */
  forwarded: number;
  /** Connections destroyed at once because the proxy was cut. */
  refused: number;
  /** Open connections destroyed by {@link TcpProxy.cut}. */
  severed: number;
  /** Chunks held back by {@link TcpProxy.stall} (delivered on restore if their connection still lives). */
  held: number;
}

/** A TCP proxy in front of one target that a test can cut and restore. */
export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1). */
  readonly port: number;
  readonly stats: ProxyStats;
  /** Open forwarded connections right now. */
  openConnections(): number;
  /** Destroys every open connection and refuses (resets) new ones until {@link restore}. */
  cut(): void;
  /** Keeps every connection (and accepts new ones) but forwards nothing, like a silent network. */
  stall(): void;
  /** Forwards again: new connections, and what a stall held back. */
  restore(): void;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) forwarding to `target`. While
 * cut, it keeps listening but resets each new connection as soon as it is
 * accepted, like a server that is down behind a load balancer; the port stays
 * the same, so clients need no new address to recover. While stalled, bytes
 * are held back in both directions (in order), like a network that went
 * silent.
 *
 * @param target - host and port to forward to
 * @returns the running proxy
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const stats: ProxyStats = { forwarded: 0, refused: 0, severed: 0, held: 0 };
  const pairs = new Set<readonly [Socket, Socket]>();
  let cut = false;
  let stalled = false;
  let held: (() => void)[] = [];
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      const deliver = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (!stalled) deliver();
      else {
        stats.held += 1;
        held.push(deliver);
      }
    });
  };

  const server = createServer((client) => {
    if (cut) {
      stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    stats.forwarded += 1;
    const upstream = connect(target.port, target.host);
    const pair = [client, upstream] as const;
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const severAll = (): void => {
    for (const [client, upstream] of [...pairs]) {
      stats.severed += 1;
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    port,
    stats,
    openConnections: () => pairs.size,
    cut: () => {
      cut = true;
      severAll();
    },
    stall: () => {
      stalled = true;
    },
    restore: () => {
      cut = false;
      stalled = false;
      const pending = held;
      held = [];
      for (const deliver of pending) deliver();
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut = true;
        severAll();
        server.close(() => resolve());
      }),
  };
}
