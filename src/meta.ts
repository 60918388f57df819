// Tool identity for reports, read once from package.json (so a release bump changes one file).

import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL_NAME = 'fedlint';
export const TOOL_VERSION = manifest.version;
export const INFORMATION_URI = 'https://github.com/fedlint/fedlint';

/** Where a rule's help lives: docs/rules.md, one heading per rule id. */
export function helpUri(ruleId: string): string {
  return `${INFORMATION_URI}/blob/main/docs/rules.md#${ruleId}`;
}
