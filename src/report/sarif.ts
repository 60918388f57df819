// SARIF 2.1.0 for GitHub code scanning and editors' SARIF viewers. Paths are
// relative to %SRCROOT% (the working directory); fingerprints hash what a
// finding is about, not where it sits, so they survive unrelated line moves.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FINGERPRINT_KEY, fingerprint } from '../check/baseline.js';
import { type TextEdit, planFixes } from '../check/fix.js';
import type { LintResult } from '../types.js';
import { INFORMATION_URI, TOOL_NAME, TOOL_VERSION, helpUri } from '../meta.js';
import { position } from '../load/parse.js';
import type { Finding, Location, RuleMeta, SourceFile } from '../types.js';

const SRCROOT = '%SRCROOT%';

export function formatSarif(result: LintResult, options: { cwd: string }): string {
  return `${JSON.stringify(toSarif(result, options), null, 2)}\n`;
}

export function toSarif(result: LintResult, options: { cwd: string }): Record<string, unknown> {
  const ruleIndex = new Map(result.rules.map((rule, index) => [rule.id, index]));
  const seen = new Map<string, number>();
  const fixes = planFixes(result.findings);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: INFORMATION_URI,
            rules: result.rules.map((rule) => ({
              id: rule.id,
              name: camelCase(rule.id),
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.help },
              ...ruleHelp(rule),
              defaultConfiguration: { level: rule.level },
            })),
          },
        },
        invocations: [{ executionSuccessful: result.failures.length === 0, ...notifications(result, ruleIndex) }],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.cwd) } },
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((finding) => ({
          ruleId: finding.ruleId,
          ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
          level: finding.level,
          message: { text: finding.message },
          locations: [{ physicalLocation: physicalLocation(finding.location) }],
          ...(finding.related.length > 0
            ? {
                relatedLocations: finding.related.map((related, index) => ({
                  id: index,
                  physicalLocation: physicalLocation(related.location),
                  message: { text: related.message },
                })),
              }
            : {}),
          ...sarifFixes(finding, fixes.get(finding)),
          partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding, seen) },
          ...(finding.suppressed ? { suppressions: [sarifSuppression(finding.suppressed)] } : {}),
          ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
        })),
      },
    ],
  };
}

/** The finding's fix, the same edit --fix makes: one replacement in its file, an empty deletedRegion for an insertion. */
function sarifFixes(finding: Finding, edit: TextEdit | undefined) {
  if (!edit || !finding.fix) return {};
  const file = finding.location.file;
  const from = position(file, edit.start);
  const to = position(file, edit.end);
  const deletedRegion = { startLine: from.line, startColumn: from.column, endLine: to.line, endColumn: to.column };
  return {
    fixes: [
      {
        description: { text: finding.fix.description },
        artifactChanges: [{ artifactLocation: artifactLocation(file), replacements: [{ deletedRegion, insertedContent: { text: edit.text } }] }],
      },
    ],
  };
}

/** An in-source suppression with its reason and the comment or annotation that makes it (no `status`: in effect). */
function sarifSuppression(suppressed: NonNullable<Finding['suppressed']>) {
  return {
    kind: suppressed.kind,
    ...(suppressed.justification ? { justification: suppressed.justification } : {}),
    ...(suppressed.location ? { location: { physicalLocation: physicalLocation(suppressed.location) } } : {}),
  };
}

function physicalLocation(location: Location) {
  return { artifactLocation: artifactLocation(location.file), region: { ...location.region } };
}

/**
 * Files under the working directory are relative to %SRCROOT%, which code
 * scanning maps onto the repository; a file elsewhere gets an absolute URI.
 */
function artifactLocation(file: SourceFile): { uri: string; uriBaseId?: string } {
  const { displayPath, path } = file;
  const outside = isAbsolute(displayPath) || displayPath === '..' || displayPath.startsWith('../');
  if (outside) return { uri: pathToFileURL(isAbsolute(path) ? path : displayPath).href };
  return { uri: relativeUri(displayPath), uriBaseId: SRCROOT };
}

/** A relative URI reference: each path segment percent-encoded (`<stdin>`, spaces, `#`). */
export function relativeUri(displayPath: string): string {
  return displayPath.split('/').map(encodeURIComponent).join('/');
}

function directoryUri(directory: string): string {
  const uri = pathToFileURL(directory).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** A crashed rule is an error of the run; a file left unread (outside the repository) is a warning about it. */
function notifications(result: LintResult, ruleIndex: Map<string, number>): Record<string, unknown> {
  const entries = [
    ...result.failures.map((failure) => ({
      level: 'error',
      message: { text: `rule ${failure.ruleId} failed: ${failure.message}` },
      associatedRule: { id: failure.ruleId, index: ruleIndex.get(failure.ruleId) ?? -1 },
    })),
    ...(result.notices ?? []).map((notice) => ({ level: 'warning', message: { text: notice } })),
  ];
  return entries.length > 0 ? { toolExecutionNotifications: entries } : {};
}

/** A fedlint rule links to its reference; a user's rule to its `documentationUrl`, and its help stays plain text. */
function ruleHelp(rule: RuleMeta): Record<string, unknown> {
  if (rule.ruleset !== undefined) return { help: { text: rule.help }, ...(rule.helpUri ? { helpUri: rule.helpUri } : {}) };
  return { help: { text: rule.help, markdown: `${rule.help}\n\n[${rule.id} in the fedlint rule reference](${helpUri(rule.id)})` }, helpUri: helpUri(rule.id) };
}

function camelCase(id: string): string {
  return id.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()).replace(/^[a-z]/, (letter) => letter.toUpperCase());
}
