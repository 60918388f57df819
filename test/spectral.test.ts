// The declarative layer: fedlint's own Spectral rules and users' rulesets run
// in one Spectral pass over the array of all resource bodies; result paths map
// back to each resource's file and position.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type LintResult, UsageError, lint } from '../src/index.js';
import { FIXTURES, ROOT, compact } from './helpers.js';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-spectral-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const SERVICES = [
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: worker',
  '  namespace: mon',
  '  labels: {team: obs}',
  'spec: {ports: [{name: web, port: 9090}]}',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: stray',
  '  namespace: mon',
  '  labels: {app: stray}',
  'spec: {ports: [{name: web, port: 9090}]}',
  '',
].join('\n');

const RULESET = [
  'rules:',
  '  service-team-label:',
  '    description: Every Service names its owning team.',
  '    message: "Service has no team label: {{error}}"',
  '    severity: error',
  "    given: \"$.[?(@.kind == 'Service')].metadata.labels\"",
  '    then:',
  '      field: team',
  '      function: truthy',
  '',
].join('\n');

test('a user ruleset runs beside the built-in rules; its findings are located in the right file and line', async () => {
  const cwd = workspace({ 'services.yaml': SERVICES, 'ruleset.yaml': RULESET });
  const result = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(
    compact(result).map((f) => [f.ruleId, f.level, f.file, f.line, f.column]),
    [['service-team-label', 'error', 'services.yaml', 14, 3]],
  );
  assert.match(compact(result)[0]!.message, /^Service has no team label: /);
  // The user's rule is part of the run's rule list (SARIF tool.driver.rules).
  const rule = result.rules.find((r) => r.id === 'service-team-label')!;
  assert.equal([rule.level, rule.summary], ['error', 'Every Service names its owning team']);
});

test('--rule turns a user rule off or changes its level', async () => {
  const cwd = workspace({ 'services.yaml': SERVICES, 'ruleset.yaml': RULESET });
  const off = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'], rules: { 'service-team-label': 'off' } });
  assert.equal(compact(off), []);
  const note = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'], rules: { 'service-team-label': 'note' } });
  assert.equal(compact(note).map((f) => f.level), ['note']);
});

test('a broken ruleset is a configuration error (exit 2) that names the file and the key', async () => {
  const cases: [string, RegExp][] = [
    ['rules:\n  r:\n    given: "$"\n    then: {function: truthyy}\n', /^ruleset bad\.yaml: rules\.r\.then\.function: unknown function "truthyy"; did you mean "truthy"\?/],
    ['rules:\n  r:\n    then: {function: truthy}\n', /^ruleset bad\.yaml: rules\.r\.given: a JSONPath string/],
    ['extends: spectral:oas\nrules: {}\n', /^ruleset bad\.yaml: extends: not supported/],
    ['rules:\n  federate-path:\n    given: "$"\n    then: {function: truthy}\n', /^ruleset bad\.yaml: rules\.federate-path: a fedlint rule already has this id/],
    ['rules:\n  r:\n    given: "$"\n    severity: fatal\n    then: {function: truthy}\n', /^ruleset bad\.yaml: rules\.r\.severity: unknown severity "fatal"/],
  ];
  for (const [text, message] of cases) {
    const cwd = workspace({ 'services.yaml': SERVICES, 'bad.yaml': text });
    try {
      await lint({ paths: ['services.yaml'], cwd, rulesets: ['bad.yaml'] });
      assert.unreachable(text);
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
    }
  }
});

test('$ref in linted YAML is never followed (no file read, no invalid-ref finding)', async () => {
  const cwd = workspace({
    'secret.txt': 'TOP SECRET',
    'ref.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: mon}\nspec:\n  externalName: {$ref: ./secret.txt}\n  type: ExternalName\n',
    'ruleset.yaml': 'rules:\n  no-secret:\n    given: "$..externalName"\n    then: {function: pattern, functionOptions: {notMatch: SECRET}}\n',
  });
  const result = await lint({ paths: ['ref.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  // Resolved, externalName would read "TOP SECRET" and the user's rule would fire; it is an object (schema's finding).
  assert.equal(compact(result).map((f) => f.ruleId), ['schema']);
});

/** Manifests embedded in a resource: Spectral's deep-scanning paths reach their fields as well as the resource's own. */
const EMBEDDED = [
  'apiVersion: monitoring.coreos.com/v1',
  'kind: ServiceMonitor',
  'metadata: {name: outer, namespace: mon}',
  'spec:',
  '  selector: {matchLabels: {app: worker}}',
  "  endpoints: [{port: web, path: /federate, honorLabels: true, params: {'match[]': ['{job=\"node\"}']}}]",
  '  copy:',
  '    kind: ServiceMonitor',
  '    spec: {endpoints: [{port: web, path: /federate}]}',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: worker, namespace: mon, labels: {app: worker}}',
  'spec:',
  '  type: ExternalName',
  '  externalName: prometheus.worker.example.com',
  '  ports: [{name: web, port: 9090}]',
  '  copy: {kind: Service, spec: {externalName: 10.1.2.3}}',
  '',
].join('\n');

test('Spectral rules find the same with every resource handed to Spectral as with only those their appliesTo picks', async () => {
  // A user ruleset makes fedlint hand Spectral every resource; this one's only rule matches nothing.
  const cwd = workspace({ 'inert.yaml': 'rules:\n  inert:\n    given: "$[?(@.kind == \'NoSuchKind\')]"\n    then: {function: truthy}\n', 'embedded.yaml': EMBEDDED });
  const inert = join(cwd, 'inert.yaml');
  const shown = (result: LintResult) =>
    result.findings.map((finding) => ({ ...compact({ ...result, findings: [finding] })[0], pointer: finding.pointer, fix: finding.fix }));
  const folders = [
    ...readdirSync(FIXTURES).map((folder) => join(FIXTURES, folder)),
    ...readdirSync(join(ROOT, 'test/corpus'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(ROOT, 'test/corpus', entry.name)),
  ];
  const embedded = await lint({ paths: ['embedded.yaml'], cwd });
  // The embedded copies' own findings, which only the deep scan gives.
  assert.ok(embedded.findings.some((finding) => finding.ruleId === 'federate-honor-labels' && finding.pointer === '/spec/copy/spec/endpoints/0'));
  assert.ok(embedded.findings.some((finding) => finding.ruleId === 'externalname-ip' && finding.pointer === '/spec/copy/spec/externalName'));
  for (const [paths, from] of [...folders.map((folder) => [[folder], ROOT] as const), [['embedded.yaml'], cwd] as const]) {
    const picked = await lint({ paths: [...paths], cwd: from });
    const everything = await lint({ paths: [...paths], cwd: from, rulesets: [inert] });
    assert.equal(shown(everything), shown(picked), paths[0]);
  }
});

test.run();
