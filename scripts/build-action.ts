// Builds the GitHub Action's single committed file, action/index.cjs, from src/action.ts with esbuild.
// `npm run build:action` writes it; test/action.test.ts rebuilds it in memory with these same options and fails
// when the committed file differs, so the bundle cannot go stale unnoticed.
//
// The runner checks the action's repository out without node_modules and runs `node <repo>/action/index.cjs`, so
// every dependency is inside the bundle. What is read at run time is found next to the bundle: the bundle sits one
// folder below the repository root, as src/ does, and `import.meta.url` is defined as the bundle's own file URL, so
// src/meta.ts (../package.json) and src/schema-check.ts (../schemas/) find their files with their own lookups.

import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ACTION_BUNDLE = 'action/index.cjs';

export const actionBuildOptions: BuildOptions = {
  absWorkingDir: ROOT,
  entryPoints: ['src/action.ts'],
  outfile: ACTION_BUNDLE,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // CommonJS: Node runs a .cjs file without a package.json "type", and bundled dependencies may call require().
  format: 'cjs',
  define: { 'import.meta.url': 'fedlintBundleUrl' },
  // jsonc-parser's "main" is a UMD build that requires './impl/…' through a function esbuild cannot follow; its ESM
  // build (the package's "module") bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  banner: {
    js: [
      '// The fedlint GitHub Action, bundled by scripts/build-action.ts from src/action.ts: do not edit, run npm run build:action.',
      // The directive must come before any statement to take effect; esbuild's own, after the banner, would not.
      '"use strict";',
      'const fedlintBundleUrl = require("node:url").pathToFileURL(__filename).href;',
    ].join('\n'),
  },
  // Readable, reviewable output; no source map or timestamps, so the same sources always give the same bytes.
  minify: false,
  sourcemap: false,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
};

// Run as a script (npm run build:action): write the bundle.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { build } = await import('esbuild');
  await build(actionBuildOptions);
  process.stdout.write(`wrote ${ACTION_BUNDLE}\n`);
}
