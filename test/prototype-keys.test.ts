// Keys named after Object.prototype members (`__proto__`, `constructor`, `toString`, `hasOwnProperty`, `valueOf`)
// are ordinary keys to YAML and to the API server, and ordinary rule ids in a user's ruleset: no rule, and no library
// fedlint hands the data to (Spectral), may find Object's members in their place. Put into every rule's fixtures at
// several depths, they must change nothing but the keys' own findings: each fixture folder is linted with those keys
// added, and with keys of ordinary names added at the same places, and the two lints must agree finding for finding,
// with the same exit code. A mapping of such keys where a string is expected must not break a rule either.

import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type YAMLMap, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import { type LintResult, lint, lintSources } from '../src/index.js';
import { YAML_OPTIONS, makeSourceFile } from '../src/load/parse.js';
import { FIXTURES, PROTOTYPE_KEYS, ROOT } from './helpers.js';

/** Stand-ins of the same lengths (so that findings sit at the same columns), none inside another. */
const ORDINARY_KEYS = ['probe_aaa', 'probeBbbbbb', 'probeCcc', 'probeDdddddddd', 'probeEe'];

/** Where the keys go in each object: every depth a rule reads (`*` takes a Service's spec.selector too, in both lints). */
const PLACES = [
  [],
  ['metadata'],
  ['metadata', 'labels'],
  ['metadata', 'annotations'],
  ['spec'],
  ['spec', '*'],
  ['spec', 'endpoints', '*'],
  ['spec', 'endpoints', '*', 'params'],
  ['spec', 'endpoints', '*', 'relabelings', '*'],
  ['spec', 'podMetricsEndpoints', '*'],
  ['spec', 'ports', '*'],
  ['spec', 'template', 'metadata', 'labels'],
  ['spec', 'template', 'spec', 'containers', '*'],
  ['subsets', '*'],
  ['subsets', '*', 'addresses', '*'],
  ['endpoints', '*'],
];

/** The maps at `place` below `node` (`*`: every entry of a list, every value of a mapping). */
function mapsAt(node: unknown, place: string[]): YAMLMap[] {
  if (place.length === 0) return isMap(node) ? [node] : [];
  const [step, ...rest] = place;
  if (step === '*' && isSeq(node)) return node.items.flatMap((item) => mapsAt(item, rest));
  if (step === '*' && isMap(node)) return node.items.flatMap((pair) => mapsAt(pair.value, rest));
  return isMap(node) ? mapsAt(node.get(step, true), rest) : [];
}

/** The text with `keys` (and the value `value`) added to each map at each place of each object (List items too). */
function withKeys(text: string, keys: string[], value: unknown): string {
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  if (!Array.isArray(documents) || documents.some((document) => document.errors.length > 0)) return text;
  return documents
    .map((document) => {
      const items = isMap(document.contents) ? document.contents.get('items', true) : undefined;
      const roots = [document.contents, ...(isSeq(items) ? items.items : [])];
      for (const root of roots)
        for (const place of PLACES)
          for (const map of mapsAt(root, place)) {
            if (map.items.some((pair) => isScalar(pair.key) && keys.includes(String(pair.key.value)))) continue;
            for (const key of keys) map.add(document.createPair(key, value));
          }
      return document.toString();
    })
    .join('');
}

function fixtureFolders(): string[] {
  return readdirSync(FIXTURES).flatMap((rule) =>
    readdirSync(join(FIXTURES, rule))
      .map((variant) => join(FIXTURES, rule, variant))
      .filter((folder) => statSync(folder).isDirectory()),
  );
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

const exitCode = (result: LintResult) => (result.failures.length > 0 ? 2 : result.findings.some((finding) => finding.level === 'error') ? 1 : 0);

/**
 * The findings with the added keys' names made alike, in a comparable shape. The schema rule's hint for an unknown
 * field depends on its name (`__proto__` in a port: did you mean "protocol"?), so that hint is left out.
 */
function shown(result: LintResult, keys: string[]) {
  const alike = (text: string) => keys.reduce((written, key, index) => written.split(key).join(`<key ${index}>`), text);
  const hintless = (message: string) => message.replace(/; (?:did you mean "[^"]*"\?|remove it, or move it where the schema has it)$/, '; <hint>');
  return {
    exit: exitCode(result),
    failures: result.failures,
    findings: result.findings
      .map((finding) => `${finding.location.file.displayPath} ${finding.ruleId} ${finding.level} ${alike(finding.pointer)} ${hintless(alike(finding.message))}`)
      .sort(),
  };
}

async function lintWithKeys(folder: string, keys: string[], value: unknown): Promise<LintResult> {
  const sources = yamlFiles(folder).map((path) => {
    const name = relative(ROOT, path);
    return makeSourceFile(path, name, withKeys(readFileSync(path, 'utf8'), keys, value));
  });
  return lintSources(sources);
}

for (const value of ['probe', { name: 'evil', kind: 'Service' }]) {
  test(`keys named after Object.prototype members (value ${JSON.stringify(value)}) change no rule's findings in any fixture`, async () => {
    let compared = 0;
    for (const folder of fixtureFolders()) {
      const ordinary = await lintWithKeys(folder, ORDINARY_KEYS, value);
      const prototype = await lintWithKeys(folder, PROTOTYPE_KEYS, value);
      assert.equal(shown(prototype, PROTOTYPE_KEYS), shown(ordinary, ORDINARY_KEYS), relative(ROOT, folder));
      compared += ordinary.findings.length;
    }
    // The fixtures' own findings are there to compare, not only the added keys' schema findings.
    assert.ok(compared > 300, `${compared}`);
  });
}

test('the keys were added: the schema rule reports them as unknown fields where the schema has no room for them', async () => {
  const folder = join(FIXTURES, 'federate-honor-labels', 'bad');
  const result = await lintWithKeys(folder, PROTOTYPE_KEYS, 'probe');
  const unknown = result.findings.filter((finding) => finding.ruleId === 'schema' && /hasOwnProperty/.test(finding.pointer));
  assert.ok(unknown.length > 3, `${unknown.length}`);
});

test('each such key at every depth of a Service and a ServiceMonitor, with a user ruleset: the findings and exit code of ordinary keys', async () => {
  const text = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: worker, namespace: mon, labels: {app: worker, KEYS}, annotations: {KEYS}}',
    'spec: {selector: {app: worker}, ports: [{name: web, port: 9090, KEYS}], KEYS}',
    'KEYS',
    '---',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata: {name: fed, namespace: mon, labels: {KEYS}}',
    'spec:',
    '  selector: {matchLabels: {app: worker}}',
    '  endpoints:',
    "    - {port: web, path: /federate, params: {'match[]': ['{job=\"x\"}'], KEYS}, relabelings: [{targetLabel: cluster, replacement: w, KEYS}], KEYS}",
    '',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-prototype-keys-'));
  writeFileSync(
    join(dir, 'ruleset.yaml'),
    'rules:\n  team-label:\n    description: Every ServiceMonitor names its team.\n    given: "$.[?(@.kind == \'ServiceMonitor\')].metadata.labels"\n    then: {field: team, function: truthy}\n',
  );
  for (const rulesets of [[], ['ruleset.yaml']]) {
    for (const key of PROTOTYPE_KEYS) {
      const lintWith = async (name: string) => {
        writeFileSync(join(dir, 'k.yaml'), text.replace(/KEYS/g, `${name}: x`));
        return lint({ paths: ['k.yaml'], cwd: dir, config: false, rulesets });
      };
      const ordinary = await lintWith(ORDINARY_KEYS[PROTOTYPE_KEYS.indexOf(key)]!);
      const prototype = await lintWith(key);
      assert.equal(shown(prototype, [key]), shown(ordinary, [ORDINARY_KEYS[PROTOTYPE_KEYS.indexOf(key)]!]), `${key} ${rulesets.join(' ')}`);
      const rules = new Set(prototype.findings.map((finding) => finding.ruleId));
      for (const rule of ['federate-honor-labels', 'schema', ...(rulesets.length > 0 ? ['team-label'] : [])]) assert.ok(rules.has(rule), `${key}: ${rule}`);
    }
  }
});

test('a `$ref` in a manifest is data, for users\' rules as for the API server; beside a hasOwnProperty key the run goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-prototype-refs-'));
  writeFileSync(join(dir, 'ruleset.yaml'), "rules:\n  team-is-text:\n    given: \"$[*].metadata.labels.team\"\n    then: {function: schema, functionOptions: {schema: {type: string}}}\n");
  const service = (annotations: string) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: mon, labels: {team: {$ref: '#/0/metadata/name'}}, annotations: {${annotations}}}\nspec: {ports: [{name: http, port: 80}]}\n`;
  const rulesOf = async (annotations: string) => {
    writeFileSync(join(dir, 'ref.yaml'), service(annotations));
    const result = await lint({ paths: ['ref.yaml'], cwd: dir, config: false, rulesets: ['ruleset.yaml'] });
    assert.equal(result.failures, [], annotations);
    return result.findings.map((finding) => finding.ruleId).sort();
  };
  // Not resolved: team is the mapping {$ref: …}, which the user's rule and the schema rule both see.
  assert.equal(await rulesOf('owner: x'), ['schema', 'team-is-text']);
  assert.equal(await rulesOf('hasOwnProperty: x'), ['schema', 'team-is-text']);
});

test('a user rule named after an Object.prototype member or after a code of Spectral\'s own runs, and takes its --rule level', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-prototype-ids-'));
  writeFileSync(join(dir, 'services.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: mon}\nspec: {ports: [{name: http, port: 80}]}\n');
  for (const id of [...PROTOTYPE_KEYS, 'parser', 'invalid-ref']) {
    writeFileSync(join(dir, 'ruleset.yaml'), `rules:\n  ${id}:\n    description: Every Service names its team.\n    given: "$[*].metadata"\n    then: {field: labels.team, function: truthy}\n`);
    const own = await lint({ paths: ['services.yaml'], cwd: dir, config: false, rulesets: ['ruleset.yaml'] });
    assert.equal(own.failures, [], id);
    assert.equal(own.findings.map((finding) => [finding.ruleId, finding.level]), [[id, 'warning']], id);
    const set = await lint({ paths: ['services.yaml'], cwd: dir, config: false, rulesets: ['ruleset.yaml'], rules: { [id]: 'error' } });
    assert.equal(set.findings.map((finding) => [finding.ruleId, finding.level]), [[id, 'error']], id);
  }
});

/** Every scalar value of a key in `keys`, or of any key in a mapping under one of `parents`, made `value`. */
function withValues(text: string, keys: string[], parents: string[], value: unknown): string {
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  if (!Array.isArray(documents)) return text;
  return documents
    .map((document) => {
      visit(document, {
        Pair(_key, pair, path) {
          const parent = path[path.length - 2];
          const under = isPair(parent) && isScalar(parent.key) && parents.includes(String(parent.key.value));
          if (isScalar(pair.value) && isScalar(pair.key) && (keys.includes(String(pair.key.value)) || under)) pair.value = document.createNode(value);
        },
      });
      return document.toString();
    })
    .join('');
}

test('values that are mappings with their own toString and valueOf keys, where rules expect a string or a number, break no rule', async () => {
  // String() and `${}` throw on such a mapping ("Cannot convert object to primitive value"); JSON shows it.
  const hostile = Object.fromEntries(PROTOTYPE_KEYS.map((key, index) => [key, `v${index}`]));
  const keys = ['port', 'targetPort', 'containerPort', 'action', 'app', 'type', 'name'];
  for (const rule of ['monitor-port-exists', 'selector-matches-pods', 'exposed-prometheus', 'federate-cluster-label', 'service-selects-prometheus', 'endpoints-port-match']) {
    const folder = join(FIXTURES, rule, 'bad');
    const sources = yamlFiles(folder).map((path) => makeSourceFile(path, relative(ROOT, path), withValues(readFileSync(path, 'utf8'), keys, ['annotations', 'labels', 'selector', 'matchLabels'], hostile)));
    const result = await lintSources(sources);
    assert.equal(result.failures, [], rule);
    for (const finding of result.findings) assert.not.match(finding.message, /\[object Object\]/, finding.message);
    assert.ok(result.findings.length > 0, rule);
  }
});

test.run();
