/**
 * Broken percent-escapes in a page address once ended the whole process on an install with
 * accounts (a redirect thrown in the page hook escaped as an unhandled rejection, and a
 * signed-in request hit an uncaught URIError). Each must end its own request only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server';

const ADMIN = { email: 'admin@example.com', password: 'a long enough password 1' };
const BROKEN = ['/%ZZ', '/x%', '/%E0%A4%A', '/C/%E0%A4%A', '/boards/%E0%A4%A', '/boards/%E0%A4%A/scan', '/L/%', '/B/%FF'];

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ demo: false, env: { KANBRIDGE_ADMIN_EMAIL: ADMIN.email, KANBRIDGE_ADMIN_PASSWORD: ADMIN.password } });
});
afterAll(async () => {
  await server?.stop();
});

async function health(cookie?: string) {
  const r = await fetch(`${server.url}/api/health`, { headers: cookie ? { cookie } : {} });
  return r.status;
}

describe('broken percent-escapes in page addresses', () => {
  it('answer 400 to an anonymous visitor and the server stays up', async () => {
    for (const p of BROKEN) {
      const r = await fetch(`${server.url}${p}`, { redirect: 'manual' });
      expect(r.status, p).toBe(400);
      expect(await health(), `after ${p}`).toBe(200);
    }
  });

  it('answer 400 when signed in and the server stays up', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify(ADMIN)
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect(cookie).toContain('=');
    for (const p of BROKEN) {
      const r = await fetch(`${server.url}${p}`, { redirect: 'manual', headers: { cookie } });
      expect(r.status, p).toBe(400);
      expect(await health(cookie), `after ${p}`).toBe(200);
    }
    // An ordinary page still answers as before.
    const home = await fetch(`${server.url}/`, { redirect: 'manual', headers: { cookie } });
    expect(home.status).toBe(200);
  });
});
