// Builds the pages when build/ is missing or older than any source file, so that
// `npm start` and `npm test` on a fresh clone need no separate build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';

const marker = 'build/handler.js';
const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
if (built === 0 || inputs.some((p) => newest(p) > built)) {
  console.log(built ? 'sources changed: rebuilding the pages' : 'building the pages (first start)');
  execSync('npx vite build', { stdio: 'inherit' });
}
