// .fedlint.yaml: where it is found, what every key does, how flags win over it, and the one-line errors (exit 2) a
// bad one gives through the built CLI. Trees are made in temporary folders (with a `.git` folder where a git root is
// needed), so the repository's own files never take part.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { type LintOptions, type LintResult, allRules, lint } from '../src/index.js';
import { ROOT } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8'));

/** One file of each shape the keys act on; line numbers below refer to it. */
const MANIFESTS = `apiVersion: v1
kind: Endpoints
metadata: {name: orphan}
subsets:
  - addresses: [{ip: 10.0.0.1}]
    ports: [{name: web, port: 9090}]
---
apiVersion: v1
kind: Service
metadata: {name: worker, namespace: mon}
spec:
  type: ExternalName
  externalName: \${WORKER_HOST}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: proxied, namespace: mon}
spec:
  selector: {matchLabels: {app: worker}}
  endpoints:
    - port: web
      path: /eu-worker
    - port: web
      path: /metrics
      params:
        'match[]': ['{job="node"}']
`;
const PROXIED_ENDPOINT_LINE = 21;
const MATCH_ON_METRICS_LINE = 23;

const TEAM_RULES = `rules:
  service-team-label:
    description: Every Service names its owning team.
    message: "Service has no team label: {{error}}"
    severity: error
    given: "$.[?(@.kind == 'Service')].metadata"
    then:
      field: labels.team
      function: truthy
`;

/** A fresh folder with these files (paths with `/` make folders; a path ending in `/` is an empty folder). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fedlint-config-'));
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith('/')) {
      mkdirSync(join(root, path), { recursive: true });
      continue;
    }
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function fedlint(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The CLI's findings as `file:line rule-id level` (JSON output). */
function cliFindings(args: string[], cwd: string): string[] {
  const run = fedlint(['--format', 'json', ...args], cwd);
  assert.is(run.stderr, '');
  return JSON.parse(run.stdout).findings.map((f: any) => `${f.file}:${f.startLine} ${f.ruleId} ${f.level}`);
}

function summary(result: LintResult): string[] {
  return result.findings.map((f) => `${f.location.file.displayPath}:${f.location.region.startLine} ${f.ruleId} ${f.level}`);
}

function lintIn(cwd: string, options: Omit<LintOptions, 'cwd'> = {}): Promise<LintResult> {
  return lint({ ...options, cwd });
}

function messageOf(result: LintResult, ruleId: string): string {
  const finding = result.findings.find((f) => f.ruleId === ruleId);
  assert.ok(finding, `no ${ruleId} finding`);
  return finding!.message;
}

// --- discovery ---------------------------------------------------------------------------------------------------

test('.fedlint.yaml in the working directory applies; the config file itself is not linted', async () => {
  const dir = tree({ 'm.yaml': MANIFESTS, '.fedlint.yaml': 'rules: {endpoints-name-match: off}\n' });
  const result = await lintIn(dir);
  assert.is(result.config, join(dir, '.fedlint.yaml'));
  assert.not.ok(summary(result).some((line) => line.includes('endpoints-name-match')));
  assert.equal(result.files.map((file) => file.displayPath), ['m.yaml']);
  const run = fedlint([], dir);
  assert.is(run.code, 1);
  assert.not.match(run.stdout, /endpoints-name-match/);
  assert.match(run.stdout, /selector-matches-service/);
});

test('.fedlint.yml is found too (a $schema key, for editors, is accepted)', async () => {
  const dir = tree({ 'm.yaml': MANIFESTS, '.fedlint.yml': '$schema: ./schema.json\nrules: {endpoints-name-match: off}\n' });
  const result = await lintIn(dir);
  assert.is(result.config, join(dir, '.fedlint.yml'));
  assert.not.ok(summary(result).some((line) => line.includes('endpoints-name-match')));
});

test('at the git root when the working directory has none; folders in between are not searched', async () => {
  const root = tree({
    '.git/': '',
    '.fedlint.yaml': 'rules: {endpoints-name-match: off}\n',
    'apps/.fedlint.yaml': 'rules: {selector-matches-service: off}\n',
    'apps/team/m.yaml': MANIFESTS,
  });
  const result = await lintIn(join(root, 'apps', 'team'));
  assert.is(result.config, join(root, '.fedlint.yaml'));
  assert.equal(summary(result), [
    'm.yaml:13 placeholder-value note',
    'm.yaml:19 selector-matches-service error',
    'm.yaml:23 federate-cluster-label warning',
    'm.yaml:23 federate-honor-labels error',
    'm.yaml:24 federate-path error',
  ]);
});

test('a .git file (worktree, submodule) marks the root as well; outside git only the working directory counts', async () => {
  const worktree = tree({ '.git': 'gitdir: /elsewhere\n', '.fedlint.yaml': 'rules: {endpoints-name-match: off}\n', 'sub/m.yaml': MANIFESTS });
  assert.is((await lintIn(join(worktree, 'sub'))).config, join(worktree, '.fedlint.yaml'));
  const noGit = tree({ '.fedlint.yaml': 'rules: {endpoints-name-match: off}\n', 'sub/m.yaml': MANIFESTS });
  const result = await lintIn(join(noGit, 'sub'));
  assert.is(result.config, undefined);
  assert.ok(summary(result).includes('m.yaml:3 endpoints-name-match error'));
});

test('the working directory\'s config wins over the git root\'s', async () => {
  const root = tree({ '.git/': '', '.fedlint.yaml': 'rules: {endpoints-name-match: off}\n', 'sub/.fedlint.yaml': '# nothing set\n', 'sub/m.yaml': MANIFESTS });
  const result = await lintIn(join(root, 'sub'));
  assert.is(result.config, join(root, 'sub', '.fedlint.yaml'));
  assert.ok(summary(result).includes('m.yaml:3 endpoints-name-match error'));
});

test('--config FILE names one (its paths relative to its own folder); --no-config and config: false skip discovery', async () => {
  const dir = tree({
    'm.yaml': MANIFESTS,
    '.fedlint.yaml': 'rules: {endpoints-name-match: off}\n',
    'ci/strict.yaml': 'rules: {selector-matches-service: off}\nexclude: [../skipped/]\n',
    'skipped/m.yaml': MANIFESTS,
  });
  const explicit = cliFindings(['--config', 'ci/strict.yaml'], dir);
  assert.ok(explicit.includes('m.yaml:3 endpoints-name-match error'), 'the discovered config is not used');
  assert.not.ok(explicit.some((line) => line.includes('selector-matches-service')));
  assert.not.ok(explicit.some((line) => line.startsWith('skipped/')));
  const none = cliFindings(['--no-config', 'm.yaml'], dir);
  assert.ok(none.includes('m.yaml:3 endpoints-name-match error'));
  assert.ok(none.includes('m.yaml:19 selector-matches-service error'));
  const library = await lintIn(dir, { config: false, paths: ['m.yaml'] });
  assert.is(library.config, undefined);
  assert.ok(summary(library).includes('m.yaml:3 endpoints-name-match error'));
  assert.is((await lintIn(dir, { config: 'ci/strict.yaml', paths: ['m.yaml'] })).config, join(dir, 'ci', 'strict.yaml'));
});

test('an empty config file (or one with comments only) configures nothing', async () => {
  const dir = tree({ 'm.yaml': MANIFESTS, '.fedlint.yaml': '# yaml-language-server: $schema=./schema.json\n' });
  const result = await lintIn(dir);
  assert.is(result.config, join(dir, '.fedlint.yaml'));
  assert.is(result.findings.length, 6);
});

// --- every key -------------------------------------------------------------------------------------------------

test('include: what is linted without paths, relative to the config folder; paths given replace it', async () => {
  const root = tree({
    '.git/': '',
    '.fedlint.yaml': "include: [deploy/, 'clusters/*/m.yaml']\n",
    'deploy/m.yaml': MANIFESTS,
    'clusters/eu/m.yaml': MANIFESTS,
    'clusters/eu/other.yaml': MANIFESTS,
    'elsewhere/m.yaml': MANIFESTS,
    'sub/m.yaml': MANIFESTS,
  });
  const files = async (cwd: string, paths?: string[]) => (await lintIn(cwd, { paths })).files.map((file) => file.displayPath);
  assert.equal(await files(root), ['clusters/eu/m.yaml', 'deploy/m.yaml']);
  assert.equal(await files(join(root, 'sub')), ['../clusters/eu/m.yaml', '../deploy/m.yaml']);
  assert.equal(await files(root, ['elsewhere']), ['elsewhere/m.yaml']);
  assert.equal([...new Set(cliFindings([], join(root, 'sub')).map((line) => line.split(':')[0]))], ['../clusters/eu/m.yaml', '../deploy/m.yaml']);
});

test('exclude: globs relative to the config folder, also from a subfolder; --ignore adds to them', async () => {
  const root = tree({
    '.git/': '',
    '.fedlint.yaml': "exclude: [vendor/, '**/generated/**', apps/old.yaml]\n",
    'apps/m.yaml': MANIFESTS,
    'apps/old.yaml': MANIFESTS,
    'apps/generated/x.yaml': MANIFESTS,
    'apps/extra/m.yaml': MANIFESTS,
    'vendor/m.yaml': MANIFESTS,
  });
  const files = async (cwd: string, options: Omit<LintOptions, 'cwd'> = {}) => (await lintIn(cwd, options)).files.map((file) => file.displayPath);
  assert.equal(await files(root), ['apps/extra/m.yaml', 'apps/m.yaml']);
  // From apps/, `apps/old.yaml` and `**/generated/**` still mean what they mean from the config's folder.
  assert.equal(await files(join(root, 'apps')), ['extra/m.yaml', 'm.yaml']);
  // A file named explicitly is skipped too, as --ignore skips it.
  assert.equal(await files(root, { paths: ['vendor/m.yaml', 'apps/m.yaml'] }), ['apps/m.yaml']);
  assert.equal(await files(root, { ignore: ['apps/extra'] }), ['apps/m.yaml']);
  const run = fedlint(['--ignore', 'apps/m.yaml', '--format', 'json'], root);
  assert.equal([...new Set(JSON.parse(run.stdout).findings.map((f: any) => f.file))], ['apps/extra/m.yaml']);
});

test('rules: levels and off, for fedlint\'s rules and a ruleset\'s', async () => {
  const dir = tree({
    'm.yaml': MANIFESTS,
    'team-rules.yaml': TEAM_RULES,
    '.fedlint.yaml': 'rulesets: [team-rules.yaml]\nrules:\n  endpoints-name-match: warning\n  federate-path: off\n  service-team-label: note\n',
  });
  assert.equal(summary(await lintIn(dir, { paths: ['m.yaml'] })), [
    'm.yaml:3 endpoints-name-match warning',
    'm.yaml:10 service-team-label note',
    'm.yaml:13 placeholder-value note',
    'm.yaml:19 selector-matches-service error',
    'm.yaml:23 federate-cluster-label warning',
    'm.yaml:23 federate-honor-labels error',
  ]);
});

test('clusterLabel, defaultNamespace and substitutionLevel take effect', async () => {
  const dir = tree({ 'm.yaml': MANIFESTS, '.fedlint.yaml': 'clusterLabel: region\ndefaultNamespace: monitoring\nsubstitutionLevel: error\n' });
  const result = await lintIn(dir);
  assert.match(messageOf(result, 'federate-cluster-label'), /federates series without a "region" label/);
  assert.match(messageOf(result, 'endpoints-name-match'), /in namespace "monitoring"/);
  assert.ok(summary(result).includes('m.yaml:13 placeholder-value error'));
});

test('rulesets: relative to the config folder, run from a subfolder', async () => {
  const root = tree({ '.git/': '', 'policy/team-rules.yaml': TEAM_RULES, '.fedlint.yaml': 'rulesets: [policy/team-rules.yaml]\n', 'sub/m.yaml': MANIFESTS });
  const result = await lintIn(join(root, 'sub'));
  assert.ok(summary(result).includes('m.yaml:10 service-team-label error'));
  assert.ok(result.rules.some((rule) => rule.id === 'service-team-label'));
});

test('federation.paths makes an endpoint on a proxy path a federation endpoint', async () => {
  const federateFindings = async (config: string) => {
    const dir = tree({ 'm.yaml': MANIFESTS, '.fedlint.yaml': config });
    return summary(await lintIn(dir)).filter((line) => line.startsWith(`m.yaml:${PROXIED_ENDPOINT_LINE} `) || line.startsWith(`m.yaml:${PROXIED_ENDPOINT_LINE + 1} `));
  };
  assert.equal(await federateFindings('# defaults\n'), []);
  const detected = [
    'm.yaml:21 federate-cluster-label warning',
    'm.yaml:21 federate-honor-labels error',
    'm.yaml:21 federate-match-required error',
  ];
  assert.equal(await federateFindings('federation: {paths: [/eu-worker]}\n'), detected);
  // Compared whole, ignoring leading and trailing slashes; a mere prefix is not enough.
  assert.equal(await federateFindings('federation: {paths: [/eu-worker/]}\n'), detected);
  assert.equal(await federateFindings('federation: {paths: [/eu]}\n'), []);
});

test('federation.matchParams: false leaves a match[] param on a non-federate path to federate-path alone', async () => {
  const onMatchEndpoint = async (config: string) => {
    const dir = tree({ 'm.yaml': MANIFESTS, '.fedlint.yaml': config });
    return summary(await lintIn(dir)).filter((line) => /^m\.yaml:2[34] /.test(line));
  };
  assert.equal(await onMatchEndpoint('federation: {matchParams: true}\n'), [
    `m.yaml:${MATCH_ON_METRICS_LINE} federate-cluster-label warning`,
    `m.yaml:${MATCH_ON_METRICS_LINE} federate-honor-labels error`,
    'm.yaml:24 federate-path error',
  ]);
  assert.equal(await onMatchEndpoint('federation: {matchParams: false}\n'), ['m.yaml:24 federate-path error']);
});

test('federation settings reach the Spectral rules as well as the graph rules (one run does not leak into the next)', async () => {
  const dir = tree({ 'm.yaml': MANIFESTS });
  const withPaths = summary(await lintIn(dir, { federation: { paths: ['/eu-worker'] } }));
  assert.ok(withPaths.includes('m.yaml:21 federate-match-required error')); // Spectral rule
  assert.ok(withPaths.includes('m.yaml:21 federate-cluster-label warning')); // graph rule
  const plain = summary(await lintIn(dir));
  assert.not.ok(plain.some((line) => line.startsWith('m.yaml:21 ')));
});

test('federate-path accepts a path that federation.paths names (a proxy route), and only then', async () => {
  const monitor = [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata: {name: proxied, namespace: mon}',
    'spec:',
    '  selector: {matchLabels: {app: proxy}}',
    '  endpoints:',
    '    - port: web',
    '      path: /eu-worker',
    "      params: {'match[]': ['{job=\"node\"}']}",
    '',
  ].join('\n');
  const pathFindings = async (config: string) =>
    summary(await lintIn(tree({ 'p.yaml': monitor, '.fedlint.yaml': config }))).filter((line) => line.includes('federate-path'));
  assert.equal(await pathFindings('# defaults\n'), ['p.yaml:8 federate-path error']);
  assert.equal(await pathFindings('federation: {paths: [/eu-worker]}\n'), []);
});

// --- flags win --------------------------------------------------------------------------------------------------

test('flags win: --rule per id, --namespace, --cluster-label, --substitution-level; --ruleset adds', async () => {
  const dir = tree({
    'm.yaml': MANIFESTS,
    'team-rules.yaml': TEAM_RULES,
    'more-rules.yaml': TEAM_RULES.replace('service-team-label', 'service-owner-label'),
    '.fedlint.yaml':
      'rulesets: [team-rules.yaml]\nrules: {endpoints-name-match: off, federate-path: warning}\nclusterLabel: region\ndefaultNamespace: monitoring\nsubstitutionLevel: error\n',
  });
  const run = fedlint(
    ['--format', 'json', '--rule', 'federate-path=note', '--namespace', 'ops', '--cluster-label', 'dc', '--substitution-level', 'off', '--ruleset', 'more-rules.yaml'],
    dir,
  );
  const findings = JSON.parse(run.stdout).findings as any[];
  const lines = findings.map((f) => `${f.startLine} ${f.ruleId} ${f.level}`);
  assert.ok(lines.includes('24 federate-path note'), '--rule wins for its id');
  assert.not.ok(lines.some((line) => line.includes('endpoints-name-match')), "the file's other rule settings stay");
  assert.not.ok(lines.some((line) => line.includes('placeholder-value')), '--substitution-level off');
  assert.ok(lines.includes('10 service-team-label error') && lines.includes('10 service-owner-label error'), 'both rulesets run');
  assert.match(findings.find((f) => f.ruleId === 'federate-cluster-label').message, /without a "dc" label/);
  const withNamespace = await lintIn(dir, { namespace: 'ops', rules: { 'endpoints-name-match': 'error' } });
  assert.match(messageOf(withNamespace, 'endpoints-name-match'), /in namespace "ops"/);
});

// --- errors: one line, exit 2 ----------------------------------------------------------------------------------

function configError(config: string, args: string[] = [], extra: Record<string, string> = {}): { code: number | null; stderr: string; stdout: string } {
  const dir = tree({ 'm.yaml': MANIFESTS, '.fedlint.yaml': config, ...extra });
  return fedlint(args, dir);
}

function assertConfigError(run: { code: number | null; stderr: string; stdout: string }, line: string): void {
  assert.is(run.stderr, `${line}\n`);
  assert.is(run.code, 2);
  assert.is(run.stdout, '');
}

test('error: an unknown key, with did-you-mean; a nested one too', () => {
  assertConfigError(configError('include: [m.yaml]\nexlude: [vendor/]\n'), 'fedlint: .fedlint.yaml:2:1: exlude: unknown key; did you mean "exclude"?');
  assertConfigError(configError('ignore: [vendor/]\n'), 'fedlint: .fedlint.yaml:1:1: ignore: unknown key; did you mean "exclude"?');
  assertConfigError(configError('federation:\n  matchParam: false\n'), 'fedlint: .fedlint.yaml:2:3: federation.matchParam: unknown key; did you mean "matchParams"?');
  assertConfigError(
    configError('whatever: 1\n'),
    'fedlint: .fedlint.yaml:1:1: whatever: unknown key; the keys here are include, exclude, rules, clusterLabel, defaultNamespace, substitutionLevel, rulesets, federation',
  );
});

test('error: an unknown rule id, with did-you-mean among fedlint\'s and the rulesets\' ids', () => {
  assertConfigError(configError('rules:\n  federate-pth: off\n'), 'fedlint: .fedlint.yaml:2:3: rules.federate-pth: unknown rule id; did you mean "federate-path"?');
  assertConfigError(
    configError('rulesets: [team.yaml]\nrules:\n  service-team-lable: off\n', [], { 'team.yaml': TEAM_RULES }),
    'fedlint: .fedlint.yaml:3:3: rules.service-team-lable: unknown rule id; did you mean "service-team-label"?',
  );
  assertConfigError(configError('rules: {zzz: off}\n'), 'fedlint: .fedlint.yaml:1:9: rules.zzz: unknown rule id; run "fedlint rules" to list the rule ids');
});

test('error: a wrong level, type or pattern, at the value', () => {
  assertConfigError(
    configError('rules:\n  federate-path: warn\n'),
    'fedlint: .fedlint.yaml:2:18: rules.federate-path: must be off, note, warning or error, not "warn"; did you mean "warning"?',
  );
  assertConfigError(configError('include: deploy/\n'), 'fedlint: .fedlint.yaml:1:10: include: must be a list, not "deploy/"');
  assertConfigError(configError('exclude:\n'), 'fedlint: .fedlint.yaml:1:1: exclude: must be a list, not empty');
  assertConfigError(configError('federation:\n  matchParams: yes\n'), 'fedlint: .fedlint.yaml:2:16: federation.matchParams: must be true or false, not "yes"');
  assertConfigError(
    configError('clusterLabel: cluster-name\n'),
    'fedlint: .fedlint.yaml:1:15: clusterLabel: must be a Prometheus label name (letters, digits and _, not starting with a digit), not "cluster-name"',
  );
  assertConfigError(
    configError('federation: {paths: [eu-worker]}\n'),
    'fedlint: .fedlint.yaml:1:22: federation.paths[0]: must be an HTTP path starting with /, not "eu-worker"',
  );
  assertConfigError(configError('- rules\n'), 'fedlint: .fedlint.yaml:1:1: (top level): must be a mapping, not a list');
});

test('error: the first problem in the file is the one reported', () => {
  assertConfigError(
    configError('clusterLabel: 1abc\nrules: {federate-path: warn}\nexlude: []\n'),
    'fedlint: .fedlint.yaml:1:15: clusterLabel: must be a Prometheus label name (letters, digits and _, not starting with a digit), not "1abc"',
  );
});

test('error: a ruleset or include path that does not exist (relative to the config folder)', () => {
  assertConfigError(
    configError('rulesets:\n  - team.yaml\n'),
    'fedlint: .fedlint.yaml:2:5: rulesets[0]: no such file "team.yaml" (paths are relative to the config file\'s folder)',
  );
  assertConfigError(
    configError('include: [m.yaml, deploy/]\n'),
    'fedlint: .fedlint.yaml:1:19: include[1]: no such file or directory "deploy/" (paths are relative to the config file\'s folder)',
  );
});

test('error: YAML syntax, with file:line:col', () => {
  assertConfigError(configError('rules:\n  federate-path: off\n  federate-path: note\n'), 'fedlint: .fedlint.yaml:3:3: YAML syntax error: Map keys must be unique');
  assertConfigError(configError('include: [m.yaml\n'), 'fedlint: .fedlint.yaml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]');
  assertConfigError(configError('include: [m.yaml]\n---\nrules: {}\n'), 'fedlint: .fedlint.yaml:2:1: a config file is one YAML document; remove the "---" and merge the documents');
});

test('error: a missing --config file, two config files side by side, --config with --no-config', () => {
  const dir = tree({ 'm.yaml': MANIFESTS });
  assertConfigError(fedlint(['--config', 'ci/fedlint.yaml'], dir), 'fedlint: cannot read config file ci/fedlint.yaml: no such file');
  assertConfigError(fedlint(['--config', '.', 'm.yaml'], dir), 'fedlint: cannot read config file .: it is a directory');
  assertConfigError(fedlint(['--config', 'x.yaml', '--no-config'], dir), 'fedlint: --config and --no-config contradict each other; give one');
  const both = tree({ 'm.yaml': MANIFESTS, '.fedlint.yaml': '{}\n', '.fedlint.yml': '{}\n' });
  assertConfigError(fedlint([], both), `fedlint: both .fedlint.yaml and .fedlint.yml are in ${both}; keep one of them`);
});

test('error: the git root\'s config is named as seen from the working directory', () => {
  const root = tree({ '.git/': '', '.fedlint.yaml': 'rules: {federate-pth: off}\n', 'a/b/m.yaml': MANIFESTS });
  assertConfigError(fedlint([], join(root, 'a', 'b')), 'fedlint: ../../.fedlint.yaml:1:9: rules.federate-pth: unknown rule id; did you mean "federate-path"?');
});

// --- the schema ---------------------------------------------------------------------------------------------------

/** The example .fedlint.yaml of the README's Configuration section. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration\n'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'README has a yaml example in its Configuration section');
  return example!;
}

test('schemas/config.schema.json is valid draft-07 with a title and description on every property', () => {
  const ajv = new Ajv.default({ strict: true });
  assert.is(SCHEMA.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.ok(ajv.validateSchema(SCHEMA), JSON.stringify(ajv.errors));
  const undocumented: string[] = [];
  const visit = (schema: any, path: string) => {
    for (const [name, property] of Object.entries<any>(schema.properties ?? {})) {
      if (!property.title || !property.description) undocumented.push(`${path}${name}`);
      visit(property, `${path}${name}.`);
      if (property.items) visit(property.items, `${path}${name}[].`);
    }
  };
  visit(SCHEMA, '');
  assert.equal(undocumented, []);
  assert.is(SCHEMA.additionalProperties, false);
  assert.is(SCHEMA.properties.federation.additionalProperties, false);
});

test('the schema lists every rule id, with its summary, for completion', () => {
  const listed = SCHEMA.properties.rules.properties;
  assert.equal(Object.keys(listed), allRules.map((rule) => rule.id), 'add or remove the rule under rules.properties in schemas/config.schema.json');
  for (const rule of allRules) assert.is(listed[rule.id].description, `${rule.summary}. Default level: ${rule.level}.`, rule.id);
});

test('the README example starts with the schema comment, is accepted by the schema and by fedlint', async () => {
  const example = readmeExample();
  assert.ok(example.startsWith('# yaml-language-server: $schema=./node_modules/fedlint/schemas/config.schema.json\n'));
  const validate = new Ajv.default({ strict: true }).compile(SCHEMA);
  const data = parse(example) as Record<string, unknown>;
  assert.ok(validate(data), JSON.stringify(validate.errors));
  for (const key of Object.keys(SCHEMA.properties).filter((key) => key !== '$schema')) assert.ok(key in data, `the example shows ${key}`);
  const dir = tree({
    '.fedlint.yaml': example,
    'team-rules.yaml': TEAM_RULES,
    'deploy/m.yaml': MANIFESTS,
    'clusters/eu/m.yaml': MANIFESTS,
    'vendor/m.yaml': MANIFESTS,
  });
  const result = await lintIn(dir);
  assert.equal(result.files.map((file) => file.displayPath), ['clusters/eu/m.yaml', 'deploy/m.yaml']);
  assert.ok(summary(result).includes('deploy/m.yaml:10 service-team-label warning'));
});

test('the schema ships in the npm package, where the README example points', () => {
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.ok(packageJson.files.includes('schemas'), 'schemas/ is in the npm package, where the README example points');
});

test('a config is read when fedlint itself is installed under a path with a space', async () => {
  const install = join(mkdtempSync(join(tmpdir(), 'fedlint install ')), 'fed lint');
  for (const entry of ['dist', 'schemas', 'package.json']) cpSync(join(ROOT, entry), join(install, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'));
  const repo = mkdtempSync(join(tmpdir(), 'fedlint-space-'));
  writeFileSync(join(repo, '.fedlint.yaml'), 'rules: {federate-honor-labels: off}\n');
  writeFileSync(join(repo, 'm.yaml'), readFileSync(join(ROOT, 'examples/seed-federation/main-cluster.yaml')));
  const run = spawnSync(process.execPath, [join(install, 'dist', 'src', 'cli', 'main.js'), '--format', 'json'], { cwd: repo, encoding: 'utf8' });
  assert.is(run.stderr, '');
  assert.is(run.status, 1);
  const rules = JSON.parse(run.stdout).findings.map((finding: { ruleId: string }) => finding.ruleId);
  assert.ok(rules.length > 0 && !rules.includes('federate-honor-labels'), rules.join(','));
});

test.run();
