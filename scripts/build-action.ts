// Builds the GitHub Action's committed files with esbuild: action/index.cjs from src/action/main.ts, and beside it
// action/parse-worker.cjs from src/load/parse-worker.ts, the thread that src/load/parse-pool.ts starts to parse a large
// repository on every core of the runner. `npm run build:action` writes them; test/action.test.ts rebuilds them in
// memory with these same options and fails when a committed file differs, so the bundles cannot go stale unnoticed.
//
// The runner checks the action's repository out without node_modules and runs `node <repo>/action/index.cjs`, so
// every dependency is inside the bundle. What is read at run time is found next to the bundle: the bundle sits one
// folder below the repository root, as src/ does, and `import.meta.url` is defined as the bundle's own file URL
// (scripts/bundle-options.ts).

import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { bundlePrologue, sharedBundleOptions } from './bundle-options.js';

export const ACTION_BUNDLE = 'action/index.cjs';
export const ACTION_WORKER = 'action/parse-worker.cjs';

export const actionBuildOptions: BuildOptions = {
  ...sharedBundleOptions,
  entryPoints: { index: 'src/action/main.ts', 'parse-worker': 'src/load/parse-worker.ts' },
  outdir: 'action',
  outExtension: { '.js': '.cjs' },
  banner: {
    js: bundlePrologue(
      '// The fedlint GitHub Action, bundled by scripts/build-action.ts from src/: do not edit, run npm run build:action.',
      'require("node:url").pathToFileURL(__filename).href',
    ),
  },
};

// Run as a script (npm run build:action): write the bundle.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { build } = await import('esbuild');
  await build(actionBuildOptions);
  process.stdout.write(`wrote ${ACTION_BUNDLE} and ${ACTION_WORKER}\n`);
}
