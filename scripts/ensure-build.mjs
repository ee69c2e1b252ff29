// Builds what `npm start` and `npm test` run, when it is missing or older than its sources:
// the pages (vite build → build/) and the server bundle (esbuild → build/kanbridge.js,
// plain Node at run time: faster start and less memory than compiling TypeScript on the fly).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import { build } from 'esbuild';

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}
const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const stale = (file, inputs) => {
  const at = builtAt(file);
  return at === 0 || inputs.some((p) => newest(p) > at);
};

const pages = 'build/handler.js';
if (stale(pages, ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'])) {
  console.log(builtAt(pages) ? 'sources changed: rebuilding the pages' : 'building the pages (first start)');
  execSync('npx vite build', { stdio: 'inherit' });
}

const server = 'build/kanbridge.js';
if (stale(server, ['server', 'src/lib', 'package.json'])) {
  await build({
    entryPoints: ['server/index.ts'],
    outfile: server,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning'
  });
  console.log(`bundled the server into ${server}`);
}
