// Builds the command line's bundle, dist/fedlint.cjs, from src/cli/main.ts with esbuild; `npm run build` and
// `prepare` run this after tsc. bin/fedlint.cjs (the package's `fedlint`) loads it: one file to read and compile
// instead of hundreds of modules to resolve, read and link, about 100 ms of a one-file run (the pre-commit case).
//
// `import.meta.url` is the URL of dist/src/cli/main.js, the tsc-built entry point, so src/meta.ts finds the package
// root above it (package.json, schemas/ and the compiled schema validators), and src/load/parse-pool.ts the tsc-built
// parse worker in dist/src/load/.

import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { bundlePrologue, sharedBundleOptions } from './bundle-options.js';

export const CLI_BUNDLE = 'dist/fedlint.cjs';

export const cliBuildOptions: BuildOptions = {
  ...sharedBundleOptions,
  entryPoints: ['src/cli/main.ts'],
  outfile: CLI_BUNDLE,
  banner: {
    js: bundlePrologue(
      '// fedlint\'s command line, bundled by scripts/build-cli.ts from src/cli/main.ts (npm run build); run through bin/fedlint.cjs.',
      'require("node:url").pathToFileURL(require("node:path").join(__dirname, "src", "cli", "main.js")).href',
    ),
  },
};

// Run as a script (npm run build): write the bundle.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { build } = await import('esbuild');
  await build(cliBuildOptions);
  process.stdout.write(`wrote ${CLI_BUNDLE}\n`);
}
