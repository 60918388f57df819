// What fedlint's two esbuild bundles share: the GitHub Action's (scripts/build-action.ts, committed as
// action/index.cjs) and the command line's (scripts/build-cli.ts, dist/fedlint.cjs, built by npm run build).
//
// Each bundle sits below the folder that holds package.json and schemas/, and its banner defines `fedlintBundleUrl`,
// the URL that `import.meta.url` is replaced with: src/meta.ts finds that folder upward from it (PACKAGE_ROOT), and
// every lookup of a file fedlint ships starts there.

import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const sharedBundleOptions: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // CommonJS: Node runs a .cjs file without a package.json "type", and bundled dependencies may call require().
  format: 'cjs',
  define: { 'import.meta.url': 'fedlintBundleUrl' },
  // jsonc-parser's "main" is a UMD build that requires './impl/…' through a function esbuild cannot follow; its ESM
  // build (the package's "module") bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  // Module paths (in the bundle's comments and module keys) stay under node_modules/ even where node_modules is a
  // symlink, as in a git worktree that shares another checkout's: the same sources give the same bytes everywhere.
  preserveSymlinks: true,
  // Readable, reviewable output; no source map or timestamps, so the same sources always give the same bytes.
  minify: false,
  sourcemap: false,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
};

/**
 * The banner's first lines: the "use strict" directive must come before any statement to take effect (esbuild's
 * own, after the banner, would not), then the definition of `fedlintBundleUrl` from the given expression.
 */
export function bundlePrologue(comment: string, bundleUrlExpression: string): string {
  return [comment, '"use strict";', `const fedlintBundleUrl = ${bundleUrlExpression};`].join('\n');
}
