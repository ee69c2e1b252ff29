import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({ out: 'build' }),
    // The custom server (server/index.ts) adds its own security headers; the CSP here is
    // SvelteKit's, so inline hydration scripts carry hashes instead of 'unsafe-inline'.
    csrf: { checkOrigin: true }
  }
};
