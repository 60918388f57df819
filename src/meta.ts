// Tool identity for reports, read once from package.json (so a release bump changes one file).

import { existsSync, readFileSync } from 'node:fs';

// src/meta.ts runs from src/ under tsx and from dist/src/ when built: look upward for the manifest.
const manifestUrl = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find(existsSync)!;
const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as { version: string };

export const TOOL_NAME = 'fedlint';
export const TOOL_VERSION = manifest.version;
export const INFORMATION_URI = 'https://github.com/fedlint/fedlint';

/** Where a rule's help lives: docs/rules.md, one heading per rule id. */
export function helpUri(ruleId: string): string {
  return `${INFORMATION_URI}/blob/main/docs/rules.md#${ruleId}`;
}
