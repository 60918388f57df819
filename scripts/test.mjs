// Runs the uvu suites under tsx (ESM kept) and closes with the line CI reads:
// "N passed, N failed". uvu prints only Total/Passed/Skipped, so failed = total - passed - skipped.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// An optional argument narrows the run to suite paths matching it: `node scripts/test.mjs rules/federate`.
const filter = process.argv[2];
const pattern = filter ? `^(?=.*(?:${filter})).*\\.test\\.ts$` : '\\.test\\.ts$';
const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern], {
  cwd: root,
  env: { ...process.env, NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code, signal) => {
  const number = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? 0);
  const total = number('Total');
  const passed = number('Passed');
  const skipped = number('Skipped');
  // A crash before any total was printed still counts as a failure.
  const failed = total - passed - skipped || (code === 0 ? 0 : 1);
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exitCode = code ?? (signal ? 1 : 0);
});
