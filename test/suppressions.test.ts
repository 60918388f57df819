// In-source suppressions: `# fedlint-disable-next-line`, `# fedlint-disable-file`,
// the `fedlint.dev/ignore` annotation, the unused-suppression warnings, what each
// report shows of suppressed findings, and the comment scan they rest on.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { globSync } from 'glob';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Parser } from 'yaml';
import { makeSourceFile } from '../src/load/parse.js';
import { formatGithub } from '../src/report/github.js';
import { formatJson } from '../src/report/json.js';
import { toSarif } from '../src/report/sarif.js';
import { formatStylish } from '../src/report/stylish.js';
import type { LintResult } from '../src/index.js';
import { scanComments } from '../src/load/yaml-comments.js';
import { ROOT, lintPaths, lintText } from './helpers.js';

const DIR = 'test/fixtures/suppressions';
const COMMENTS = `${DIR}/comments/main-cluster.yaml`;
const ANNOTATION = `${DIR}/annotation/services.yaml`;
const MISTAKES = `${DIR}/mistakes/service.yaml`;

/** rule, line, column, and the reason when suppressed (`-` when not). */
function rows(result: LintResult): string[] {
  return result.findings.map(
    (finding) =>
      `${finding.ruleId} ${finding.location.region.startLine}:${finding.location.region.startColumn} ${finding.suppressed ? `suppressed "${finding.suppressed.justification}"` : '-'}`,
  );
}

/** A Service whose one finding is a placeholder-value error on line 4. */
const SUPPRESSED_SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: ExternalName, externalName: <WORKER_A_DNS>}\n';

function fedlint(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('next-line and file comments suppress with their reasons; an id that matched nothing is reported at the id', async () => {
  const result = await lintPaths([COMMENTS]);
  assert.equal(rows(result), [
    'unused-suppression 16:50 -',
    'placeholder-value 19:17 suppressed "the deploy pipeline fills it in"',
    // "#" inside a quoted string (line 11) and in a block scalar (line 13) is no suppression: this stays.
    'placeholder-value 31:13 -',
    'federate-cluster-label 44:7 suppressed "the worker\'s series carry cluster already"',
    'federate-honor-labels 44:7 suppressed "the worker\'s series carry cluster already"',
    'federate-match-broad 48:15 suppressed "the worker exports a few hundred series"',
  ]);
  const unused = result.findings[0]!;
  assert.is(unused.level, 'warning');
  assert.is(
    unused.message,
    'no externalname-ip finding starts on line 19 (the next line with content), so fedlint-disable-next-line suppresses nothing for it; remove "externalname-ip", or put the comment just above the finding\'s line',
  );
  assert.equal(unused.location.region, { startLine: 16, startColumn: 50, endLine: 16, endColumn: 65 });
  // The suppressed finding remembers the comment that suppressed it.
  assert.equal(result.findings[1]!.suppressed!.location!.region, { startLine: 16, startColumn: 3, endLine: 16, endColumn: 100 });
});

test('the annotation suppresses the findings of its own resource only, and reports an unused id inside the string', async () => {
  const result = await lintPaths([ANNOTATION]);
  assert.equal(rows(result), [
    'unused-suppression 7:45 -',
    'placeholder-value 10:17 suppressed "the deploy pipeline fills the name in"',
    'placeholder-value 19:17 -',
  ]);
  assert.is(
    result.findings[0]!.message,
    'Service "worker-a" has no federate-path finding, so its fedlint.dev/ignore annotation suppresses nothing for it; remove "federate-path" from the annotation',
  );
  assert.equal(result.findings[0]!.location.region, { startLine: 7, startColumn: 45, endLine: 7, endColumn: 58 });
  assert.is(result.findings[0]!.resourceKey, 'Service/monitoring/worker-a');
});

test('of two resources with the same kind, namespace and name in one file, only the annotated one is suppressed', async () => {
  const service = (annotation: string, placeholder: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: twin\n${annotation}spec:\n  type: ExternalName\n  externalName: ${placeholder}\n`;
  const text = `${service('', '<FIRST_DNS>')}---\n${service('  annotations: {fedlint.dev/ignore: placeholder-value}\n', '<SECOND_DNS>')}`;
  const result = await lintText(text, 'twins.yaml', { rules: { schema: 'off' } });
  const placeholders = result.findings.filter((finding) => finding.ruleId === 'placeholder-value');
  assert.equal(
    placeholders.map((finding) => [finding.location.region.startLine, finding.suppressed !== undefined]),
    [
      [7, false],
      [16, true],
    ],
  );
  assert.not.ok(result.findings.some((finding) => finding.ruleId === 'unused-suppression'));
});

test('annotations work on kind: List items, each item being its own resource', async () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '  - apiVersion: v1',
    '    kind: Service',
    '    metadata: {name: a, annotations: {fedlint.dev/ignore: "placeholder-value"}}',
    '    spec: {type: ExternalName, externalName: <WORKER_A_DNS>}',
    '  - apiVersion: v1',
    '    kind: Service',
    '    metadata: {name: b}',
    '    spec: {type: ExternalName, externalName: <WORKER_B_DNS>}',
    '',
  ].join('\n');
  const result = await lintText(text, 'list.yaml');
  assert.equal(rows(result), ['placeholder-value 7:46 suppressed ""', 'placeholder-value 11:46 -']);
});

test('suppressions that cannot work: all, unknown ids, a misspelt directive, no ids, unused-suppression itself, no next line', async () => {
  const result = await lintPaths([MISTAKES]);
  assert.equal(
    result.findings.map((finding) => [finding.ruleId, finding.level, finding.location.region.startLine, finding.location.region.startColumn, finding.message]),
    [
      ['unused-suppression', 'warning', 1, 24, 'fedlint-disable-file cannot name "all": name each rule to suppress ("fedlint rules" lists them), so that a rule added later still reports here'],
      ['unused-suppression', 'warning', 2, 24, 'fedlint-disable-file names no rule "placeholder-valu"; did you mean "placeholder-value"?'],
      ['unused-suppression', 'warning', 3, 3, 'unknown suppression "fedlint-disable-line"; write fedlint-disable-next-line (the next line) or fedlint-disable-file (the whole file), then the rule ids'],
      ['unused-suppression', 'warning', 4, 1, 'fedlint-disable-next-line names no rule; write # fedlint-disable-next-line rule-id[, rule-id] -- reason'],
      ['unused-suppression', 'warning', 5, 29, 'unused-suppression cannot be suppressed in source; remove a suppression that is not needed, or run with --rule unused-suppression=off'],
      ['unused-suppression', 'warning', 5, 49, 'no federate-path finding starts on line 6 (the next line with content), so fedlint-disable-next-line suppresses nothing for it; remove "federate-path", or put the comment just above the finding\'s line'],
      ['unused-suppression', 'warning', 14, 29, 'fedlint-disable-next-line has no line after it, so it suppresses nothing; remove the comment'],
    ],
  );
});

test('rule ids separated without commas are caught, and the reason after " -- " is optional', async () => {
  const text = [
    '# fedlint-disable-file placeholder-value externalname-ip',
    '# fedlint-disable-file externalname-ip',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: a}',
    'spec: {type: ExternalName, externalName: <WORKER_A_DNS>}',
    '',
  ].join('\n');
  const result = await lintText(text, 'spaces.yaml');
  assert.equal(rows(result), ['unused-suppression 1:24 -', 'unused-suppression 2:24 -', 'placeholder-value 6:42 -']);
  assert.equal(result.findings.slice(0, 2).map((finding) => finding.message), [
    'fedlint-disable-file names no rule "placeholder-value externalname-ip"; separate rule ids with commas and put the reason after " -- "',
    'this file has no externalname-ip finding, so fedlint-disable-file suppresses nothing for it; remove "externalname-ip" from the comment',
  ]);
});

test('next-line applies to the next line with content, not only the very next line; a trailing comment works too; CRLF keeps columns', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: a}',
    'spec: # fedlint-disable-next-line placeholder-value -- trailing',
    '  type: ExternalName',
    '  # fedlint-disable-next-line placeholder-value -- skips the blank and comment lines',
    '',
    '  # an explanation',
    '  externalName: <WORKER_A_DNS>',
    '',
  ].join('\r\n');
  const result = await lintText(text, 'crlf.yaml');
  // The trailing comment applies to line 5, which has no finding; the second comment to line 9.
  assert.equal(rows(result), ['unused-suppression 4:35 -', 'placeholder-value 9:17 suppressed "skips the blank and comment lines"']);
});

test('a rule turned off has no unused suppressions; unused-suppression itself can be turned off or raised', async () => {
  const off = await lintPaths([COMMENTS], { rules: { 'externalname-ip': 'off' } });
  assert.not.ok(off.findings.some((finding) => finding.ruleId === 'unused-suppression'));
  const silent = await lintPaths([MISTAKES], { rules: { 'unused-suppression': 'off' } });
  assert.equal(silent.findings, []);
  const strict = await lintPaths([MISTAKES], { rules: { 'unused-suppression': 'error' } });
  assert.is(strict.findings.length, 7);
  assert.ok(strict.findings.every((finding) => finding.level === 'error'));
});

test('stylish and github leave suppressed findings out; stylish counts them; json marks them', async () => {
  const result = await lintPaths([COMMENTS]);
  const stylish = formatStylish(result, { color: false });
  assert.not.match(stylish, /19:17/);
  assert.match(stylish, /\n2 problems \(1 error, 1 warning, 0 notes\) in 1 file, 3 resources; 4 suppressed\n$/);
  const github = formatGithub(result).trimEnd().split('\n');
  assert.equal(github.map((line) => /line=(\d+),col=(\d+)/.exec(line)!.slice(1).join(':')), ['16:50', '31:13']);
  const json = JSON.parse(formatJson(result));
  assert.equal(json.summary, { error: 1, warning: 1, note: 0, files: 1, resources: 3 });
  assert.is(json.findings.length, 6);
  assert.equal(
    json.findings.filter((finding: any) => finding.suppressed).map((finding: any) => [finding.ruleId, finding.justification]),
    [
      ['placeholder-value', 'the deploy pipeline fills it in'],
      ['federate-cluster-label', "the worker's series carry cluster already"],
      ['federate-honor-labels', "the worker's series carry cluster already"],
      ['federate-match-broad', 'the worker exports a few hundred series'],
    ],
  );
});

const schema = JSON.parse(readFileSync(join(ROOT, 'test/sarif/sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

test('SARIF keeps suppressed results with kind inSource, the reason as justification and the comment as location; valid 2.1.0', async () => {
  for (const path of [COMMENTS, ANNOTATION, MISTAKES]) {
    const log: any = toSarif(await lintPaths([path]), { cwd: ROOT });
    assert.ok(validate(log), `${path}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  const log: any = toSarif(await lintPaths([COMMENTS]), { cwd: ROOT });
  const results = log.runs[0].results;
  assert.is(results.length, 6);
  const placeholder = results.find((result: any) => result.ruleId === 'placeholder-value' && result.suppressions);
  assert.equal(placeholder.suppressions, [
    {
      kind: 'inSource',
      justification: 'the deploy pipeline fills it in',
      location: {
        physicalLocation: {
          artifactLocation: { uri: COMMENTS, uriBaseId: '%SRCROOT%' },
          region: { startLine: 16, startColumn: 3, endLine: 16, endColumn: 100 },
        },
      },
    },
  ]);
  assert.is(results.filter((result: any) => result.suppressions).length, 4);
  const rule = log.runs[0].tool.driver.rules[results[0].ruleIndex];
  assert.is(rule.id, 'unused-suppression');
  assert.is(rule.defaultConfiguration.level, 'warning');
  // A suppression without a reason has no justification.
  const bare: any = toSarif(await lintText(`${SUPPRESSED_SERVICE}# fedlint-disable-file placeholder-value\n`), { cwd: ROOT });
  assert.equal(bare.runs[0].results.map((result: any) => [result.ruleId, result.suppressions.map((entry: any) => Object.keys(entry))]), [
    ['placeholder-value', [['kind', 'location']]],
  ]);
});

test('the exit code does not count suppressed errors', () => {
  const bare = fedlint(['-', '--stdin-filename', 'service.yaml'], SUPPRESSED_SERVICE);
  assert.is(bare.code, 1);
  assert.match(bare.stdout, /^service\.yaml:4:42  error /);
  const suppressed = fedlint(['-', '--stdin-filename', 'service.yaml'], SUPPRESSED_SERVICE.replace('spec:', '# fedlint-disable-next-line placeholder-value -- filled in by CI\nspec:'));
  assert.is(suppressed.code, 0, suppressed.stdout);
  assert.is(suppressed.stdout, 'no problems (1 file, 1 resource); 1 suppressed\n');
  // Suppressed errors among others: only the unsuppressed one (line 31) makes it exit 1.
  const mixed = fedlint([COMMENTS]);
  assert.is(mixed.code, 1);
  assert.match(mixed.stdout, /\n2 problems \(1 error, 1 warning, 0 notes\) in 1 file, 3 resources; 4 suppressed\n$/);
});

// The comment scan: `# yes` marks each real comment in these texts.
const TRICKY = [
  'a: "x # no" # yes\nb: \'it\'\'s # no\' # yes\n',
  "a: it's # yes\nb: don\"t # yes\n",
  'a: "multi\n  # no\n  line" # yes\n# yes\n',
  "a: 'multi\n  # no\n  line' # yes\n",
  'a: "esc \\" # no" # yes\n',
  'k: "a\\\n  # no"\n',
  's: |\n  # no\n  text # no\n# yes\nt: 1\n',
  '- s: >-\n    # no\n  # yes\n  k: 1 # yes\n',
  '- |\n  # no\n- x # yes\n',
  's: |2\n    # no\n  # no\nt: 1 # yes\n',
  's: | # yes\n\n  # no\n\n# yes\n',
  's: |\nt: 1 # yes\n',
  'k: |+\n  # no\n\n  # no\n# yes\n',
  'a:\n  b: >\n    # no\n   # yes\n  c: d\n',
  "f: {a: \"# no\", b: '# no'} # yes\n",
  "f: [a, \"# no\",\n  '# no', b] # yes\n",
  'f: {"a":"# no", b: c#d} # yes\n',
  'k: a#b # yes\n',
  "k: &anc \"x # no\" # yes\nl: !!str '# no' # yes\n",
  '--- # yes\na: 1\n... # yes\n--- |\n  # no\n',
  'k: a, "b # yes"\n',
  "\"key # no\": v # yes\n'k2 # no': |\n  # no\n",
  'k:\n  - "a\n    # no\n    b"\n  # yes\n',
  '#yes\n  # yes\nk: v\t# yes\n',
  '? |\n  # no\n: v # yes\n',
];

test('the comment scan finds "#" comments only: not in quoted strings (one or several lines), block scalars or plain words', () => {
  for (const text of TRICKY) {
    const expected = [...text.matchAll(/# ?yes/g)].map((match) => match.index);
    const found = scanComments(makeSourceFile('t.yaml', 't.yaml', text)).comments.map((comment) => comment.start);
    assert.equal(found, expected, JSON.stringify(text));
  }
});

/** Offsets of the comments the `yaml` package's own parser sees (its CST). */
function parserComments(text: string): number[] {
  const offsets: number[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const token = value as { type?: string; offset?: number };
      if (token.type === 'comment') offsets.push(token.offset!);
      for (const [key, child] of Object.entries(value)) if (key !== 'parent') walk(child);
    }
  };
  for (const token of new Parser().parse(text)) walk(token);
  return offsets.sort((a, b) => a - b);
}

test('the comment scan agrees with the yaml parser on the tricky texts and on every YAML file of the repository', () => {
  for (const text of TRICKY) assert.equal(scanComments(makeSourceFile('t.yaml', 't.yaml', text)).comments.map((comment) => comment.start), parserComments(text), JSON.stringify(text));
  const files = globSync('**/*.{yaml,yml}', { cwd: ROOT, ignore: ['node_modules/**', 'dist/**'], dot: true });
  assert.ok(files.length > 100, `${files.length} files`);
  let withComments = 0;
  for (const path of files) {
    const file = makeSourceFile(path, path, readFileSync(join(ROOT, path), 'utf8'));
    const mine = scanComments(file).comments.map((comment) => comment.start);
    assert.equal(mine, parserComments(file.text), path);
    if (mine.length > 0) withComments++;
  }
  assert.ok(withComments > 50, `${withComments} files with comments`);
});

test('content lines: comment-only, blank and block-scalar lines are told apart', () => {
  const scan = scanComments(makeSourceFile('t.yaml', 't.yaml', 'a: 1 # c\n# only\n\ns: |\n  # text\nq: "x\n\n  y"\n'));
  assert.equal([...scan.contentLines].sort((a, b) => a - b), [1, 4, 5, 6, 8]);
});

test.run();
