import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

import { createDatabase } from '@todo/db';
import { createTestDatabase, type TestDatabase } from '@todo/db/testing';

import { startTestServer, type TestServer } from './server.js';

/**
 * A TCP proxy on 127.0.0.1 in front of the database: stop() cuts every connection and refuses
 * new ones (the database "goes away"); start() again listens on the same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** A test server whose database is reached through a TcpProxy the test can stop and start. */
export interface ServerBehindProxy {
  server: TestServer;
  proxy: TcpProxy;
  /** The real database, reached directly (to check what was stored). */
  backing: TestDatabase;
  close(): Promise<void>;
}

export async function startServerBehindProxy(): Promise<ServerBehindProxy> {
  const backing = await createTestDatabase();
  const target = new URL(backing.url ?? '');
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  await proxy.start();
  const viaProxy = await createDatabase({
    url: Object.assign(new URL(target), { port: String(proxy.port) }).toString(),
    connectTimeoutSeconds: 1,
  });
  const server = await startTestServer({ database: viaProxy });
  return {
    server,
    proxy,
    backing,
    close: async () => {
      await server.close();
      await viaProxy.close();
      await proxy.stop();
      await backing.destroy();
    },
  };
}
