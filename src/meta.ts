// Tool identity for reports, read once from package.json (so a release bump changes one file).

import { existsSync, readFileSync } from 'node:fs';

/**
 * The folder that holds fedlint's package.json and schemas/, found upward from this module: src/ under tsx, dist/src/
 * when built, and the folder above a bundle (dist/fedlint.cjs, action/index.cjs), whose `import.meta.url` is one URL
 * for every module in it (scripts/bundle-options.ts). Files below src/ look things up from here, not from their own
 * folder, so that moving a module between stage folders cannot break a lookup.
 */
const { root, manifest } = findPackage(new URL('.', import.meta.url));
export const PACKAGE_ROOT: URL = root;

function findPackage(start: URL): { root: URL; manifest: { name?: string; version: string } } {
  for (let folder = start; ; folder = new URL('..', folder)) {
    const file = new URL('package.json', folder);
    if (existsSync(file) && existsSync(new URL('schemas/', folder))) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (manifest.name === 'fedlint') return { root: folder, manifest };
    }
    if (new URL('..', folder).href === folder.href) throw new Error(`fedlint's package.json not found above ${start.href}`);
  }
}

export const TOOL_NAME = 'fedlint';
export const TOOL_VERSION = manifest.version;
export const INFORMATION_URI = 'https://github.com/fedlint/fedlint';

/** Where a rule's help lives: docs/rules.md, one heading per rule id. */
export function helpUri(ruleId: string): string {
  return `${INFORMATION_URI}/blob/main/docs/rules.md#${ruleId}`;
}
