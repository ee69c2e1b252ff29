import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin, type ViteUserConfig } from 'vitest/config';

/** Loaded lazily so that `vite build` and vitest do not start a server. */
async function devServer(command: string): Promise<Plugin[]> {
  if (command !== 'serve' || process.env.VITEST) return [];
  const { kanbridgeDev } = await import('./server/dev.ts');
  return [kanbridgeDev()];
}

export default defineConfig(async ({ command }): Promise<ViteUserConfig> => ({
  plugins: [sveltekit(), ...(await devServer(command))],
  worker: { format: 'es' },
  optimizeDeps: { include: ['zxing-wasm/reader', 'jsqr', 'svelte-dnd-action', 'socket.io-client'] },
  test: {
    // The JSON report feeds .ci/run's closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // Polls wait for something to become true (a live update, a reconnect); on a busy shared
    // machine that can take seconds. A poll that never succeeds still fails.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    // Two projects: fast tests run in parallel; browser and multi-process tests run one file
    // at a time so that Chromium and child servers do not fight over two cores.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/system/**'],
          environment: 'node',
          testTimeout: 30_000
        }
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/e2e/**/*.test.ts', 'test/system/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000
        }
      }
    ]
  }
}));
