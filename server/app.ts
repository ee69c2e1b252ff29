/**
 * Wiring of one Kanbridge instance: storage → board service → HTTP API and Socket.IO gateway.
 * Used by the production server (index.ts), by `vite dev` (vite.config.ts) and by tests, so
 * all three run the same code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { SYSTEM_ACTOR } from '../src/lib/domain';
import { Accounts } from './auth/accounts';
import { MemoryAccounts } from './auth/persistence';
import type { AccountsPersistence } from './auth/types';
import { BoardService } from './board-service';
import { createDemoBoard } from './demo';
import { createApiHandler, type Route } from './gateway/http';
import { authRoutes } from './gateway/routes/auth';
import { boardRoutes } from './gateway/routes/boards';
import { insightRoutes } from './gateway/routes/insight';
import { printRoutes } from './gateway/routes/print';
import { searchRoutes } from './gateway/routes/search';
import { wallRoutes } from './gateway/routes/wall';
import { attachSocket, type KServer } from './gateway/socket';
import { scaleOut } from './scale';
import type { Storage } from './storage/types';
import { VERSION } from './paths';

/** Every HTTP API route, feature by feature. */
export const API_ROUTES: Route[] = [...boardRoutes, ...authRoutes, ...printRoutes, ...insightRoutes, ...wallRoutes, ...searchRoutes];

export interface AppOptions {
  storage: Storage;
  publicUrl?: string;
  /** Create the demo board when the install has no board yet. */
  demo?: boolean;
  /** Where accounts are kept (default: memory, for tests). */
  accounts?: AccountsPersistence;
  /** KANBRIDGE_ADMIN_EMAIL / KANBRIDGE_ADMIN_PASSWORD: the admin made on first start. */
  admin?: { email?: string; password?: string };
}

export interface App {
  service: BoardService;
  accounts: Accounts;
  /** The one-time setup code, when the install has no admin yet and none was configured. */
  setupCode?: string;
  storage: Storage;
  publicUrl?: string;
  /** Handles API requests; returns false for anything else. */
  handleApi: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  attach: (server: HttpServer | HttpsServer) => KServer;
  close: () => Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { storage } = options;
  await storage.open();
  const service = new BoardService(storage);
  // Before anything is cached, so that no other server's append goes unnoticed.
  const scale = await scaleOut(storage, service);
  const accounts = await Accounts.open(options.accounts ?? new MemoryAccounts());
  // Whoever creates a board owns it.
  service.onEvents((boardId, events) => {
    const first = events[0];
    if (first?.type === 'boardCreated' && accounts.user(first.actor.id)) void accounts.setMember(boardId, first.actor.id, 'owner');
  });
  if (options.demo && (await storage.listBoards()).length === 0) {
    await createDemoBoard(service, SYSTEM_ACTOR);
  }
  const { admin, setupCode } = await accounts.bootstrap({ adminEmail: options.admin?.email, adminPassword: options.admin?.password });
  // The demo board (made before any account existed) belongs to the admin.
  if (admin)
    await accounts.adoptOrphans(
      (await storage.listBoards()).map((b) => b.id),
      admin.id
    );
  const handleApi = createApiHandler({ service, accounts, version: VERSION, publicUrl: options.publicUrl }, API_ROUTES);
  const servers: KServer[] = [];
  const app: App = {
    service,
    accounts,
    setupCode,
    storage,
    publicUrl: options.publicUrl,
    handleApi,
    attach(server) {
      const io = attachSocket(server, service, {
        accounts,
        allowedOrigins: options.publicUrl ? [options.publicUrl] : [],
        adapter: scale?.adapter()
      });
      servers.push(io);
      return io;
    },
    async close() {
      await Promise.all(servers.map((io) => new Promise<void>((resolve) => io.close(() => resolve()))));
      await scale?.close();
      await storage.close();
      await options.accounts?.close?.();
    }
  };
  // Pages rendered by SvelteKit reach the same instance through hooks.server.ts.
  (globalThis as { __kanbridge?: App }).__kanbridge = app;
  return app;
}
