/**
 * `npm start`: one server on one port serving the pages, the API and Socket.IO.
 * Wiring only; everything it starts lives in app.ts.
 */
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createApp } from './app';
import { FileAccounts } from './auth/persistence';
import { PgAccounts } from './auth/pg-persistence';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadOrCreateCert } from './cert';
import { ConfigError, loadConfig } from './config';
import { PAGES_HANDLER } from './paths';
import { securityHeaders } from './security';
import { createStorage } from './storage/index';
import { DamagedLog, DataDirLocked } from './storage/types';

const PROTOCOL_HEADER = 'x-kanbridge-proto';

type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse, next?: () => void) => void;

/**
 * The last line of defence: an error that escaped a request (a rejected promise nobody awaited,
 * a throw in a timer or socket callback) is logged and ends only the work it belonged to. The
 * state a request changes is written through the event log before it is applied, so carrying on
 * cannot leave a half-applied change behind.
 */
function keepServing() {
  process.on('unhandledRejection', (reason) => {
    console.error('kanbridge: an unhandled rejection was caught and the server carries on:', reason);
  });
  process.on('uncaughtException', (err, origin) => {
    console.error(`kanbridge: an uncaught exception (${origin}) was caught and the server carries on:`, err);
  });
}

async function main() {
  const config = loadConfig();
  if (!existsSync(PAGES_HANDLER)) {
    throw new ConfigError('the pages are not built yet: run `npm run build` (npm start does this for you)');
  }
  const storage = createStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const app = await createApp({
    storage,
    publicUrl: config.publicUrl,
    demo: config.demo,
    admin: config.admin,
    accounts: config.databaseUrl ? new PgAccounts(config.databaseUrl) : new FileAccounts(config.dataDir)
  });
  // SvelteKit (adapter-node) builds each page request's URL from a protocol header, and would
  // otherwise assume https: its origin checks would then refuse plain-HTTP form posts. The
  // server sets this header itself on every request (overwriting anything a client sent).
  process.env.PROTOCOL_HEADER ??= PROTOCOL_HEADER;
  const { handler } = (await import(pathToFileURL(PAGES_HANDLER).href)) as { handler: NodeHandler };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.headers[PROTOCOL_HEADER] = config.https ? 'https' : 'http';
    securityHeaders(res, config.https);
    const failed = (err: unknown) => {
      console.error(`kanbridge: ${req.method} request failed:`, err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal error');
      else res.destroy();
    };
    app
      .handleApi(req, res)
      .then((handled) => {
        if (!handled) handler(req, res);
      })
      .catch(failed);
  };
  const server = config.https ? https.createServer(await loadOrCreateCert(config.dataDir), onRequest) : http.createServer(onRequest);
  app.attach(server);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  keepServing();
  server.listen(config.port, config.host, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const scheme = config.https ? 'https' : 'http';
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    console.log(`listening on ${scheme}://${shown}:${port}`);
    if (shown === 'localhost') {
      for (const ip of lanAddresses()) console.log(`  on your network: ${scheme}://${ip}:${port}`);
    }
    console.log(`  storage: ${storage.kind}${storage.kind === 'lowdb' ? ` in ${config.dataDir}` : ''}`);
    if (app.setupCode) {
      // Printed once, and kept in DATA_DIR for whoever starts the server as a service.
      const link = `${config.publicUrl ?? `${scheme}://${shown}:${port}`}/setup?code=${app.setupCode}`;
      console.log(`  no admin yet: open ${link} to create one (until then the board is open to everyone who can reach it)`);
      void writeFile(path.join(config.dataDir, 'setup-link.txt'), `${link}\n`, { mode: 0o600 });
    }
  });
}

function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i && i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLocked || err instanceof DamagedLog) {
    console.error(`kanbridge: ${err.message}`);
  } else {
    console.error('kanbridge: could not start:', err);
  }
  process.exit(1);
});
