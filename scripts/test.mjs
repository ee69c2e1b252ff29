// `npm test`: the fast tests first, then the system and browser tests, one after the other so
// that the two groups do not fight over the CPU (2 cores in CI). Each writes its JSON report
// to test-results/ for .ci/run's closing count. Extra arguments go to both runs (a file filter).
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
let failed = false;
for (const project of ['unit', 'system']) {
  const r = spawnSync(
    'npx',
    ['vitest', 'run', '--project', project, '--passWithNoTests', `--outputFile.json=test-results/${project}.json`, ...extra],
    { stdio: 'inherit' }
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
