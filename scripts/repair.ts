/**
 * `npm run repair -- --data DIR`: cuts a damaged event log of a lowdb DATA_DIR just before its
 * first damaged record, keeping a backup of both files (see server/storage/repair.ts).
 * Stop the server on DATA_DIR first; the directory's lock makes sure of it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repairDataDir } from '../server/storage/repair';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { data: { type: 'string' } } });
  const dir = values.data ?? process.env.DATA_DIR;
  if (!dir) {
    console.error('usage: npm run repair -- --data <DATA_DIR>');
    return 2;
  }
  const report = await repairDataDir(path.resolve(dir));
  if (report.damagedAt === null) {
    console.log(`${report.log} is whole: ${report.kept} records read, nothing changed.`);
    return 0;
  }
  console.log(`${report.log} was damaged at byte ${report.damagedAt}: ${report.reason}`);
  console.log(`  kept the ${report.kept} records before it; set aside ${report.cutBytes} bytes from there to the end.`);
  console.log(`  backup of the log and the snapshot: ${report.backupDir}`);
  console.log('  the server rebuilds its snapshot from the log on its next start.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`kanbridge repair: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
);
