/**
 * A damaged event log, end to end on the built server: it refuses to start with one clear
 * message (the file, the byte and the recovery command, no stack trace), `npm run repair`
 * cuts the log before the bad record keeping a backup, and the server then starts with
 * everything before it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, startServer } from '../helpers/server';

const root = path.resolve(__dirname, '..', '..');

describe('a damaged event log', () => {
  it('stops the start with the file, offset and repair command; npm run repair lets it start again', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kanbridge-damaged-'));
    const first = await startServer({ dataDir, demo: true });
    const boards = await api<{ boards: { id: string }[] }>(first.url, 'GET', '/api/boards');
    expect(boards.status).toBe(200);
    expect(boards.body.boards.length).toBeGreaterThan(0);
    await first.stop();

    // Damage a record in the middle of the log, and drop the snapshot so the start reads it all.
    const logFile = path.join(dataDir, 'events.log');
    const lines = readFileSync(logFile, 'utf8').split('\n');
    const keep = Math.floor(lines.length / 2);
    const offset = Buffer.byteLength(lines.slice(0, keep).join('\n')) + 1;
    writeFileSync(logFile, [...lines.slice(0, keep), '{"boardId":"b_x","revision":1,"type":"boardCre', ...lines.slice(keep)].join('\n'));
    rmSync(path.join(dataDir, 'kanbridge.json'), { force: true });

    const refused = await startServer({ dataDir, demo: true }).then(
      async (s) => {
        await s.stop();
        return null;
      },
      (e: unknown) => String(e)
    );
    expect(refused).not.toBeNull();
    expect(refused).toContain('server exited (1)');
    expect(refused).toContain(`${logFile} is damaged at byte ${offset}`);
    expect(refused).toContain(`npm run repair -- --data ${JSON.stringify(dataDir)}`);
    expect(refused).not.toMatch(/^\s+at /m);

    const repair = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/repair.ts', '--data', dataDir], {
      cwd: root,
      encoding: 'utf8'
    });
    expect(repair.status, repair.stderr).toBe(0);
    expect(repair.stdout).toContain(`damaged at byte ${offset}`);
    expect(repair.stdout).toContain(`kept the ${keep} records before it`);
    const backups = readdirSync(dataDir).filter((f) => f.startsWith('repair-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(dataDir, backups[0], 'events.log'), 'utf8')).toContain('"boardCre\n');

    const again = await startServer({ dataDir, demo: true });
    try {
      expect((await api(again.url, 'GET', '/api/health')).status).toBe(200);
      const after = await api<{ boards: { id: string }[] }>(again.url, 'GET', '/api/boards');
      expect(after.body.boards.map((b) => b.id)).toEqual(boards.body.boards.map((b) => b.id));
    } finally {
      await again.stop();
    }
  });
});
