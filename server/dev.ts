/**
 * `vite dev`: runs the same app (API + Socket.IO) on Vite's own server, so pages, API and
 * sockets share one origin in development as in production.
 */
import type { Server as HttpServer } from 'node:http';
import type { Plugin, ViteDevServer } from 'vite';
import { createApp, type App } from './app';
import { loadConfig } from './config';
import { createStorage } from './storage/index';

export function kanbridgeDev(): Plugin {
  let app: App | undefined;
  return {
    name: 'kanbridge-dev',
    async configureServer(server: ViteDevServer) {
      const config = loadConfig({ ...process.env, DATA_DIR: process.env.DATA_DIR ?? './data-dev' });
      app = await createApp({ storage: createStorage({ dataDir: config.dataDir }), publicUrl: config.publicUrl, demo: true });
      const ready = app;
      server.middlewares.use((req, res, next) => {
        ready.handleApi(req, res).then((handled) => handled || next(), next);
      });
      if (server.httpServer) ready.attach(server.httpServer as HttpServer);
    },
    async buildEnd() {
      await app?.close();
    }
  };
}
