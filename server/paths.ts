/**
 * Where the installation lives. The server runs from source (`tsx server/index.ts`, in
 * development and tests) and bundled (`build/kanbridge.js`, from `npm start`), so paths are
 * found from the project root rather than relative to the running file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kanbridge') return dir;
    if (path.dirname(dir) === dir) throw new Error('cannot find the Kanbridge installation (package.json)');
  }
}

export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const VERSION: string = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const PAGES_HANDLER = path.join(ROOT, 'build', 'handler.js');
