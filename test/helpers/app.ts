/** An in-process Kanbridge (API + Socket.IO, no pages) on a free port, for fast real-socket tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp, type App } from '../../server/app';
import { MemoryStorage } from '../../server/storage/memory';
import type { Storage } from '../../server/storage/types';
import type { ClientToServer, ServerToClient } from '../../src/lib/protocol';

export interface TestApp {
  app: App;
  url: string;
  server: http.Server;
  client: (auth?: Record<string, unknown>) => Socket<ServerToClient, ClientToServer>;
  close: () => Promise<void>;
}

export async function startTestApp(
  options: { storage?: Storage; demo?: boolean; publicUrl?: string; admin?: { email: string; password: string } } = {}
): Promise<TestApp> {
  const app = await createApp({
    storage: options.storage ?? new MemoryStorage(),
    demo: options.demo ?? false,
    publicUrl: options.publicUrl,
    admin: options.admin
  });
  const server = http.createServer((req, res) => {
    app.handleApi(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  app.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];
  return {
    app,
    url,
    server,
    client: (auth = {}) => {
      const s = connect(url, { transports: ['websocket'], auth, reconnectionDelay: 50, reconnectionDelayMax: 200 });
      sockets.push(s);
      return s as Socket<ServerToClient, ClientToServer>;
    },
    close: async () => {
      for (const s of sockets) s.disconnect();
      await app.close();
    }
  };
}

/** Emits and waits for the ack. */
export function request<T>(socket: Socket, event: string, msg: unknown, timeoutMs = 5_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, msg) as Promise<T>;
}

export function connected(socket: Socket): Promise<void> {
  return socket.connected ? Promise.resolve() : new Promise((resolve) => socket.once('connect', () => resolve()));
}
