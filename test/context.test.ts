// Context mode (src/load/context.ts): given explicit files, as pre-commit gives the changed ones, fedlint loads the rest of
// the repository for the other side of cross-resource checks and reports only findings in the given files.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { mayMatterAsContext } from '../src/load/context.js';
import { Graph, knownKind } from '../src/model/graph.js';
import { lint, type LintResult } from '../src/index.js';
import { patchFiles } from '../src/load/kustomize.js';
import { makeSourceFile, parseFile } from '../src/load/parse.js';
import { WorkloadIndex } from '../src/model/workloads.js';
import { FIXTURES, ROOT } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: worker-metrics
  namespace: monitoring
spec:
  ports:
    - name: metrics
      port: 9090
`;

const endpoints = (portName: string) => `apiVersion: v1
kind: Endpoints
metadata:
  name: worker-metrics
  namespace: monitoring
subsets:
  - addresses:
      - ip: 10.0.0.1
    ports:
      - name: ${portName}
        port: 9090
`;

/** A file with problems of its own (a YAML error; a placeholder) that only a lint of that file may report. */
const BROKEN = 'apiVersion: v1\nkind: Service\nmetadata: {name: broken\n';
const PLACEHOLDER = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  type: ExternalName\n  externalName: <WORKER_IP>\n';

const PORT_MISMATCH = [
  'endpoints.yaml:10:15  error    Endpoints "worker-metrics" port "metrics-renamed" is not a port name of Service "worker-metrics" ("metrics"); rename it to "metrics"  endpoints-port-match',
  '    ↳ service.yaml:7:3  ports of Service "worker-metrics"',
  '',
  '1 problem (1 error, 0 warnings, 0 notes) in 1 file, 1 resource',
];
const ORPHAN = [
  'endpoints.yaml:4:9  error    Endpoints "worker-metrics" has no Service of the same name in namespace "monitoring"; create the Service or rename the Endpoints to match it  endpoints-name-match',
  '',
  '1 problem (1 error, 0 warnings, 0 notes) in 1 file, 1 resource',
];

const temporaryFolders: string[] = [];

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'fedlint-context-'));
  temporaryFolders.push(folder);
  return folder;
}

test.after(() => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});

function write(folder: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
}

/** git in a scratch repository, blind to the machine's own git configuration. */
function git(folder: string, ...args: string[]): void {
  const run = spawnSync('git', ['-c', 'user.name=fedlint', '-c', 'user.email=fedlint@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: folder,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
}

/** A git repository whose commit holds `committed`; `changed` is then written over it and not committed. */
function repository(committed: Record<string, string>, changed: Record<string, string> = {}): string {
  const folder = temporaryFolder();
  git(folder, 'init', '-q', '.');
  write(folder, committed);
  git(folder, 'add', '.');
  git(folder, 'commit', '-q', '-m', 'manifests');
  write(folder, changed);
  return folder;
}

function fedlint(args: string[], cwd: string, options: { input?: string; env?: Record<string, string> } = {}) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    input: options.input,
    encoding: 'utf8',
    // Git looks for a repository in the temporary folders, never above them (the machine's /tmp might sit in one).
    env: { ...process.env, NO_COLOR: '1', GIT_CEILING_DIRECTORIES: tmpdir(), ...options.env },
  });
  return { code: run.status, lines: run.stdout.trimEnd().split('\n'), stderr: run.stderr };
}

/** The pre-commit case: the repository holds a Service and an Endpoints; only the Endpoints is changed. */
function renamedPortRepository(): string {
  return repository(
    { 'service.yaml': SERVICE, 'endpoints.yaml': endpoints('metrics'), 'broken.yaml': BROKEN, 'other.yaml': PLACEHOLDER },
    { 'endpoints.yaml': endpoints('metrics-renamed') },
  );
}

test('a changed Endpoints is checked against the untouched Service; nothing is reported in other files', () => {
  const folder = renamedPortRepository();
  const run = fedlint(['endpoints.yaml'], folder);
  assert.equal(run.lines, PORT_MISMATCH);
  assert.is(run.code, 1);
  assert.is(run.stderr, '');
  // SARIF: the result in the given file, its related location in the context file, both relative to %SRCROOT%.
  const [result] = JSON.parse(fedlint(['--format', 'sarif', 'endpoints.yaml'], folder).lines.join('\n')).runs[0].results;
  assert.equal(result.locations[0].physicalLocation.artifactLocation, { uri: 'endpoints.yaml', uriBaseId: '%SRCROOT%' });
  assert.equal(result.relatedLocations[0].physicalLocation.artifactLocation, { uri: 'service.yaml', uriBaseId: '%SRCROOT%' });
  assert.is(result.relatedLocations[0].physicalLocation.region.startLine, 7);
  // The same repository linted whole reports the other files' own problems: context mode left them out on purpose.
  const whole = fedlint(['.'], folder);
  assert.match(whole.lines.join('\n'), /broken\.yaml:3:\d+ +error +YAML syntax error/);
  assert.match(whole.lines.join('\n'), /other\.yaml:7:\d+ +error .*placeholder-value/);
});

test('--no-context lints the given file alone: the Endpoints has no Service', () => {
  const run = fedlint(['--no-context', 'endpoints.yaml'], renamedPortRepository());
  assert.equal(run.lines, ORPHAN);
  assert.is(run.code, 1);
});

test('an unchanged file in a consistent repository: no problem, exit 0', () => {
  const folder = repository({ 'service.yaml': SERVICE, 'endpoints.yaml': endpoints('metrics') });
  const run = fedlint(['endpoints.yaml'], folder);
  assert.equal(run.lines, ['no problems (1 file, 1 resource)']);
  assert.is(run.code, 0);
});

test('untracked files are context; files .gitignore excludes and --ignore patterns are not', () => {
  const untracked = repository({ 'endpoints.yaml': endpoints('metrics-renamed') }, { 'service.yaml': SERVICE });
  assert.equal(fedlint(['endpoints.yaml'], untracked).lines, PORT_MISMATCH);

  const gitignored = repository({ 'endpoints.yaml': endpoints('metrics-renamed'), '.gitignore': 'service.yaml\n' }, { 'service.yaml': SERVICE });
  assert.equal(fedlint(['endpoints.yaml'], gitignored).lines, ORPHAN);

  assert.equal(fedlint(['--ignore', 'service.yaml', 'endpoints.yaml'], renamedPortRepository()).lines, ORPHAN);
});

test('from a subfolder the whole working tree is context, shown relative to the working directory', () => {
  const folder = repository({ 'service.yaml': SERVICE, 'deploy/endpoints.yaml': endpoints('metrics-renamed') });
  const run = fedlint(['endpoints.yaml'], join(folder, 'deploy'));
  assert.equal(run.lines.slice(0, 2), [PORT_MISMATCH[0], '    ↳ ../service.yaml:7:3  ports of Service "worker-metrics"']);
  assert.is(run.code, 1);
});

test('outside a git repository the working directory\'s YAML is the context', () => {
  const folder = temporaryFolder();
  write(folder, { 'service.yaml': SERVICE, 'endpoints.yaml': endpoints('metrics-renamed'), 'broken.yaml': BROKEN });
  const run = fedlint(['endpoints.yaml'], folder);
  assert.equal(run.lines, PORT_MISMATCH);
  assert.is(run.code, 1);
});

test('a directory, a glob or standard input among the paths turns context mode off', () => {
  const folder = repository({ 'service.yaml': SERVICE, 'deploy/endpoints.yaml': endpoints('metrics-renamed') });
  const orphan = (lines: string[]) => lines.some((line) => line.endsWith('endpoints-name-match'));
  assert.ok(orphan(fedlint(['deploy'], folder).lines), 'directory');
  assert.ok(orphan(fedlint(['deploy/*.yaml'], folder).lines), 'glob');
  assert.ok(orphan(fedlint(['-', '--stdin-filename', 'deploy/endpoints.yaml'], folder, { input: endpoints('metrics-renamed') }).lines), 'stdin');
  // A file and a directory: the directory says "lint this tree", so nothing beyond the paths is loaded.
  mkdirSync(join(folder, 'empty'));
  assert.ok(orphan(fedlint(['deploy/endpoints.yaml', 'empty'], folder).lines), 'file and directory');
  // The control: the file alone gets its Service.
  assert.not.ok(orphan(fedlint(['deploy/endpoints.yaml'], folder).lines), 'file alone');
});

test('a given file is not loaded a second time as context, under its own name or a symlink\'s', () => {
  const folder = repository({ 'service.yaml': SERVICE, 'endpoints.yaml': endpoints('metrics-renamed') });
  symlinkSync('endpoints.yaml', join(folder, 'alias.yaml'));
  git(folder, 'add', 'alias.yaml');
  const run = fedlint(['--format', 'json', 'endpoints.yaml'], folder);
  const output = JSON.parse(run.lines.join('\n'));
  assert.equal(output.findings.map((f: any) => [f.ruleId, f.file, f.startLine]), [['endpoints-port-match', 'endpoints.yaml', 10]]);
  assert.equal(output.summary, { error: 1, warning: 0, note: 0, files: 1, resources: 1 });
});

/**
 * Loads the modules each run compiles (CommonJS: Spectral, the schema validators) into a list, so that a test can tell
 * what a run paid for.
 */
function tracedModules(args: string[], cwd: string): string[] {
  const folder = temporaryFolder();
  const trace = join(folder, 'modules.txt');
  const hook = join(folder, 'trace.cjs');
  writeFileSync(trace, '');
  writeFileSync(
    hook,
    `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  appendFileSync(${JSON.stringify(trace)}, filename + '\\n');
  return compile.call(this, content, filename);
};
`,
  );
  spawnSync(process.execPath, ['-r', hook, CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const loaded = readFileSync(trace, 'utf8').split('\n');
  return [
    ...new Set(
      loaded.flatMap((file) => {
        if (file.includes('@stoplight/spectral-core')) return ['spectral'];
        const validator = /validators[\\/]([\w.-]+)\.cjs$/.exec(file);
        return validator ? [`validator ${validator[1]}`] : [];
      }),
    ),
  ].sort();
}

test('the pre-commit path pays only for the given files: no Spectral, no schema validator for context kinds', () => {
  const monitor = readFileSync(join(ROOT, 'examples/seed-federation/main-cluster.yaml'), 'utf8');
  const worker = readFileSync(join(ROOT, 'examples/seed-federation/worker-cluster.yaml'), 'utf8');
  const prometheus = 'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: app-prometheus}\nspec: {serviceMonitorSelector: {}}\n';
  const folder = repository({ 'main-cluster.yaml': monitor, 'worker-cluster.yaml': worker, 'prometheus.yaml': prometheus, 'endpoints.yaml': endpoints('metrics') });
  // The context holds a federation ServiceMonitor (a Spectral rule's business), a Prometheus (the largest schema) and Services.
  assert.equal(tracedModules(['endpoints.yaml'], folder), ['validator endpoints']);
  // The control: the same kinds given rather than context do load Spectral and their validators.
  assert.equal(tracedModules(['main-cluster.yaml'], folder), ['spectral', 'validator endpoints', 'validator service', 'validator servicemonitor.v1']);
  assert.equal(tracedModules(['prometheus.yaml'], folder), ['validator prometheus.v1']);
});

// --- the pre-commit hook ------------------------------------------------------------------------------------------

test('.pre-commit-hooks.yaml: hook fedlint runs the package\'s bin on YAML files, all of them in one process', () => {
  const hooks = parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
  assert.is(hooks.length, 1);
  const [hook] = hooks;
  assert.equal(
    { id: hook.id, name: hook.name, language: hook.language, entry: hook.entry, types: hook.types, require_serial: hook.require_serial },
    { id: 'fedlint', name: 'fedlint', language: 'node', entry: 'fedlint', types: ['yaml'], require_serial: true },
  );
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.is(manifest.bin[hook.entry], 'bin/fedlint.cjs');
  // pre-commit matches `files` with Python's re.search; this pattern means the same in JavaScript.
  const files = new RegExp(hook.files);
  for (const name of ['a.yaml', 'deploy/b.yml', '.fedlint.yaml']) assert.ok(files.test(name), name);
  for (const name of ['a.json', 'yaml', 'a.yaml.orig', 'Chart.lock']) assert.not.ok(files.test(name), name);
});

test('npm pack prints the tarball name alone: pre-commit installs a node hook from that name', () => {
  // Without .npmrc's foreground-scripts=false, npm pack puts the `prepare` banner first and pre-commit's install fails.
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  const run = spawnSync('npm', ['pack', '--dry-run'], { cwd: ROOT, encoding: 'utf8', env: environment });
  assert.is(run.status, 0, run.stderr);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.is(run.stdout, `${manifest.name}-${manifest.version}.tgz\n`);
});

// --- context mode agrees with a full lint -----------------------------------------------------------------------

interface Shown {
  ruleId: string;
  level: string;
  at: string;
  message: string;
  related: string[];
}

function shown(result: LintResult): Shown[] {
  const where = (location: { file: { displayPath: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } }) =>
    `${location.file.displayPath}:${location.region.startLine}:${location.region.startColumn}-${location.region.endLine}:${location.region.endColumn}`;
  return result.findings.map((finding) => ({
    ruleId: finding.ruleId,
    level: finding.level,
    at: where(finding.location),
    message: finding.message,
    related: finding.related.map((related) => `${where(related.location)} ${related.message}`),
  }));
}

/** Folders of YAML files that are linted together (a rule's bad/ or good/, a kustomize tree, a corpus project). */
function fixtureFolders(): string[] {
  const folders: string[] = [];
  for (const rule of readdirSync(FIXTURES)) {
    const folder = join(FIXTURES, rule);
    if (!statSync(folder).isDirectory()) continue;
    const variants = readdirSync(folder).filter((entry) => ['bad', 'good'].includes(entry));
    folders.push(...(variants.length > 0 ? variants.map((variant) => join(folder, variant)) : [folder]));
  }
  return folders;
}

/** For every file: context mode's findings are the full lint's findings located in that file, exactly. */
async function assertContextAgrees(folder: string, only?: (path: string) => boolean): Promise<number> {
  const full = await lint({ paths: [folder], cwd: ROOT });
  let checked = 0;
  for (const file of full.files) {
    if (only && !only(file.path)) continue;
    const alone = await lint({ paths: [file.path], cwd: ROOT, context: true, contextPaths: [folder] });
    const expected = shown(full).filter((finding) => finding.at.startsWith(`${file.displayPath}:`));
    assert.equal(shown(alone), expected, `${file.displayPath} with ${relative(ROOT, folder)} as context`);
    checked++;
  }
  return checked;
}

test('every fixture file linted in context mode gets exactly the findings a lint of its whole folder gives it', async () => {
  let checked = 0;
  for (const folder of fixtureFolders()) checked += await assertContextAgrees(folder);
  assert.ok(checked >= 100, `only ${checked} files checked`);
});

test('corpus files with cross-resource findings or edges get the same findings in context mode', async () => {
  // Every corpus file would take a while; these hold Endpoints, monitors, Prometheus servers and their Services.
  const chosen = /yais-|federate|endpoints|serviceMonitor(?:Apiserver|Kubelet)?\.yaml$|prometheus-(?:prometheus|service)\.yaml$|monitoringstack|grafana\/servicemonitor/;
  const checked = await assertContextAgrees(join(ROOT, 'test/corpus'), (path) => chosen.test(path));
  assert.ok(checked >= 10, `only ${checked} files checked`);
});

// --- the text pre-check ---------------------------------------------------------------------------------------------

const matters = (text: string, name = 'x.yaml') => mayMatterAsContext(makeSourceFile(name, name, text));

test('the pre-check skips files that hold no kind a cross-resource check reads', () => {
  assert.not.ok(matters('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "1"\n'));
  assert.not.ok(matters('kind: ServiceAccount\n---\nkind: ClusterRoleBinding\nsubjects:\n  - kind: ServiceAccount\n'));
  assert.not.ok(matters('replicaCount: 2\nimage: {repository: x}\n'), 'a Helm values file');
  assert.not.ok(matters('{"apiVersion": "v1", "kind": "Secret"}\r\n'));
  assert.not.ok(matters('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n', 'kustomization.yaml'));
  assert.not.ok(matters('kind: PrometheusRule\nspec:\n  groups: [{name: a, rules: [{expr: \'up{job=~"a\\\\.b"}\'}]}]\n'), 'an escaped dot');
  assert.not.ok(matters('items: [{kind: ServiceMonitor}]\n'), 'no kind of its own: not an object');
  // Only the root mapping's kind makes an object: a CRD's names.kind, a manifest kept in a ConfigMap, prose do not.
  const crd = readFileSync(join(ROOT, 'schemas/crds/monitoring.coreos.com_servicemonitors.yaml'), 'utf8');
  assert.match(crd, /^ +kind: ServiceMonitor$/m);
  assert.not.ok(matters(crd), 'a CustomResourceDefinition');
  assert.not.ok(matters('kind: ConfigMap\ndata:\n  svc.yaml: |\n    kind: Service\n    metadata: {name: kind}\n---\n# a kind of comment\nkind: Secret\n'));
  assert.not.ok(matters('kind: ConfigMap\nfoo:\n- kind: Service\n'), 'a list under a root key');
  assert.not.ok(matters('kind: ConfigMap\ndata:\n  note: |\n    *Warning: see the template docs ? yes\n'), 'prose');
});

test('the pre-check keeps every file that could hold one, whatever the spelling', () => {
  for (const text of [
    'kind: Service\n',
    "kind: 'Endpoints' # hand-written\n",
    '{"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1"}',
    'kind: List\nitems: [{kind: ServiceMonitor}]\n',
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n- kind: Pod\n',
    '  apiVersion: v1\n  kind: Service\n',
    'base: &base {kind: Service}\n<<: *base\n',
    '{"kind": "Deployment", "spec": {"template":{"spec": {"containers": []}}}}',
    'name: &t template\nkind: Anything\nspec:\n  *t : {spec: {containers: []}}\n',
    'kind: Anything\nspec:\n  ? template\n  : {spec: {containers: []}}\n',
    'kind: Anything\nspec:\n  ?\n    template\n  : {spec: {containers: []}}\n',
    'kind: Kustomization\nx: &p !!str patches\n*p : [{path: monitor.yaml}]\n',
    'kind: ConfigMap\n---\nkind: Service\n',
    'kind: ConfigMap\rkind: Service\r',
    '--- !!map\nkind: ConfigMap\nx: {kind: Service}\n',
    'kind: Namespace\r\n',
    'kind: Deployment\nspec:\n  template:\n    spec: {containers: []}\n',
    'kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template: {}\n',
    'kind: Kustomization\npatches:\n  - path: monitor.yaml\n',
    'kind: *kind\n',
    'kind: &k Service\n',
    'kind: !!str Service\n',
    'kind:\n  Service\n',
    '? kind\n: Service\n',
    '"ki\\x6ed": Service\n',
    'kind: "Serv\\\n  ice"\n',
  ])
    assert.ok(matters(text), text);
});

test('a file the pre-check skips yields nothing that other resources read (fixtures, corpus, examples, CRDs)', () => {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(path);
    }
  };
  walk(FIXTURES);
  walk(join(ROOT, 'test/corpus'));
  walk(join(ROOT, 'examples'));
  walk(join(ROOT, 'schemas/crds'));
  let skipped = 0;
  for (const path of files) {
    const source = makeSourceFile(path, relative(ROOT, path), readFileSync(path, 'utf8'));
    if (mayMatterAsContext(source)) continue;
    skipped++;
    const { resources } = parseFile(source, 'default');
    const read = resources.filter(
      (resource) => knownKind(resource) !== null || ['Namespace', 'MonitoringStack', 'Alertmanager', 'ThanosRuler', 'Pod'].includes(resource.kind),
    );
    assert.equal(read.map((resource) => resource.kind), [], `${source.displayPath}: kinds`);
    assert.is(new WorkloadIndex(new Graph(resources).resources).all.length, 0, `${source.displayPath}: pod templates`);
    assert.is(patchFiles(resources).size, 0, `${source.displayPath}: patches`);
  }
  // The check is worth having: most ConfigMaps, RBAC objects and rule files are skipped.
  assert.ok(skipped >= 60, `only ${skipped} files skipped`);
});

test.run();
