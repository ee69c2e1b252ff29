/**
 * Code that runs in the browser never imports server code: shared rules live in src/lib.
 * Page loaders (server-only) may use the server's services, but never its HTTP route modules.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const src = path.join(root, 'src');
const serverDir = path.join(root, 'server');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|svelte)$/.test(name) ? [p] : [];
  });
}

/** Relative and $lib import specifiers of a file, resolved to absolute paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2]
  );
  return specs.flatMap((s) => {
    if (s.startsWith('$lib')) return [path.join(src, 'lib', s.slice(4))];
    if (s.startsWith('.')) return [path.resolve(path.dirname(file), s)];
    return [];
  });
}

const serverOnly = (file: string) =>
  /(\.server\.ts|\+server\.ts|[/\\]app\.d\.ts)$/.test(file) || file.includes(`${path.sep}server${path.sep}`);

describe('module boundaries', () => {
  it('browser code (everything in src that is not server-only) imports nothing from server/', () => {
    const offenders = files(src)
      .filter((f) => !serverOnly(f))
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.startsWith(serverDir + path.sep))
          .map((i) => `${path.relative(root, f)} → ${path.relative(root, i)}`)
      );
    expect(offenders).toEqual([]);
  });

  it('page loaders never import HTTP route modules', () => {
    const routes = path.join(serverDir, 'gateway');
    const offenders = files(src).flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith(routes))
        .map((i) => `${path.relative(root, f)} → ${path.relative(root, i)}`)
    );
    expect(offenders).toEqual([]);
  });
});
