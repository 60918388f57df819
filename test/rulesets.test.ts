// Users' Spectral rulesets: they run beside fedlint's rules with Spectral's meaning, and — since a ruleset can come
// with the repository being linted, a pull request from a fork in the Action — nothing in one runs as code: JSONPath
// is evaluated by fedlint's own grammar (src/check/jsonpath.ts), messages are filled in and never evaluated, regular
// expressions run on RE2. Every attack below ran code or hung with the Spectral runner fedlint used before.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { JSONPath } from 'jsonpath-plus';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTION_BUNDLE } from '../scripts/build-action.js';
import { parseJsonPath, select } from '../src/check/jsonpath.js';
import { loadRulesets } from '../src/check/rulesets.js';
import { runUserRules } from '../src/check/user-rules.js';
import { makeSourceFile, parseFile } from '../src/load/parse.js';
import { UsageError, lint } from '../src/index.js';
import { ROOT, compact } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-rulesets-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function configurationError(options: Parameters<typeof lint>[0]): Promise<string> {
  try {
    await lint(options);
  } catch (error) {
    assert.instance(error, UsageError);
    return (error as Error).message;
  }
  throw new assert.Assertion({ message: 'expected a configuration error', generated: true, operator: 'throws', expects: 'UsageError', actual: 'none' });
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
  "    given: \"$[?(@.kind == 'Service')].metadata.labels\"",
  '    then:',
  '      field: team',
  '      function: truthy',
  '',
].join('\n');

test('a user ruleset runs beside the built-in rules; its findings are located in the right file and line, worded as Spectral words them', async () => {
  const cwd = workspace({ 'services.yaml': SERVICES, 'ruleset.yaml': RULESET });
  const result = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(
    compact(result).map((f) => [f.ruleId, f.level, f.file, f.line, f.column, f.message]),
    // The missing `team` is reported at the labels that lack it, and named.
    [['service-team-label', 'error', 'services.yaml', 14, 3, 'Service has no team label: "team" property must be truthy']],
  );
  const rule = result.rules.find((r) => r.id === 'service-team-label')!;
  assert.equal([rule.level, rule.summary, rule.ruleset], ['error', 'Every Service names its owning team', 'ruleset.yaml']);
});

test('--rule turns a user rule off or changes its level', async () => {
  const cwd = workspace({ 'services.yaml': SERVICES, 'ruleset.yaml': RULESET });
  const off = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'], rules: { 'service-team-label': 'off' } });
  assert.equal(compact(off), []);
  const note = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'], rules: { 'service-team-label': 'note' } });
  assert.equal(compact(note).map((f) => f.level), ['note']);
});

test('every placeholder of a message is filled in from the result, never evaluated', async () => {
  const ruleset = [
    'rules:',
    '  labelled:',
    '    description: Services are labelled.',
    '    message: "{{description}} {{error}} | path {{path}} | property {{property}} | value {{value}} | #{{print(\\"value\\")}}"',
    "    given: \"$[?(@.kind == 'Service')].metadata\"",
    '    then: {field: labels.app, function: truthy}',
    '',
  ].join('\n');
  const cwd = workspace({ 'services.yaml': SERVICES, 'ruleset.yaml': ruleset });
  const result = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(compact(result).map((f) => [f.line, f.message]), [
    [6, 'Services are labelled. "app" property must be truthy | path #/metadata/labels | property app | value Object{} | Object{}'],
  ]);
});

test('text from the linted files that looks like a message expression is shown as it is, not evaluated', async () => {
  // Spectral evaluates `#{{…}}` in a function's message after quoting the data into it: this key printed "NO" there.
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    \'#{{toUpperCase("no")}}\': y\n';
  const ruleset = [
    'rules:',
    '  known-labels:',
    '    given: "$[*].metadata.labels"',
    '    then: {function: schema, functionOptions: {schema: {type: object, additionalProperties: false}}}',
    '',
  ].join('\n');
  const cwd = workspace({ 'map.yaml': manifest, 'ruleset.yaml': ruleset });
  const result = await lint({ paths: ['map.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(compact(result).map((f) => [f.ruleId, f.line, f.message]), [
    ['known-labels', 5, 'Property "#{{toUpperCase("no")}}" is not expected to be here'],
  ]);
});

test('a pattern runs on RE2: a regex that backtracks for minutes in JavaScript answers at once', () => {
  const name = `${'a'.repeat(41)}!`;
  const ruleset = 'rules:\n  names:\n    given: "$[*].metadata.name"\n    then: {function: pattern, functionOptions: {match: "^(a+)+$"}}\n';
  const cwd = workspace({ 'map.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "${name}"}\n`, 'ruleset.yaml': ruleset });
  // The bound is only a guard against a hang (it took minutes before); the answer is what is checked.
  const run = spawnSync(process.execPath, [CLI, '--ruleset', 'ruleset.yaml', '--format', 'json', 'map.yaml'], { cwd, encoding: 'utf8', timeout: 20_000 });
  assert.is(run.status, 0, run.stderr);
  assert.equal(
    JSON.parse(run.stdout).findings.map((f: { ruleId: string; message: string }) => [f.ruleId, f.message]),
    [['names', `"${name}" must match the pattern "^(a+)+$"`]],
  );
});

test('pattern keeps Spectral\'s /source/flags form and its match / notMatch options', async () => {
  const ruleset = 'rules:\n  lower:\n    given: "$[*].metadata.name"\n    then: {function: pattern, functionOptions: {match: "/^[a-z-]+$/i", notMatch: "stray"}}\n';
  const cwd = workspace({ 'services.yaml': SERVICES.replace('name: worker', 'name: Worker'), 'ruleset.yaml': ruleset });
  const result = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(compact(result).map((f) => [f.line, f.message]), [[12, '"stray" must not match the pattern "stray"']]);
});

/** A ruleset that would run `touch MARKER` if any of its strings reached an evaluator. */
const MARKER = join(tmpdir(), `fedlint-ruleset-ran-code-${process.pid}`);
const TOUCH = `this.constructor.constructor('return process')().mainModule.require('child_process').execSync('touch ${MARKER}')`;

const ATTACKS: { name: string; rule: string[]; error: RegExp }[] = [
  {
    name: 'a filter expression that calls the Function constructor',
    rule: [`    given: "$[?(${TOUCH})]"`, '    then: {function: truthy}'],
    error: /^evil\.yaml:3:12: rules\.evil\.given: ".*" is not a JSONPath fedlint runs: at character 5, "this" is not allowed in a filter: only @-paths/,
  },
  {
    name: 'a script expression',
    rule: [`    given: "$[(${TOUCH})]"`, '    then: {function: truthy}'],
    error: /^evil\.yaml:3:12: rules\.evil\.given: .* at character 3, script expressions \[\( … \)\] are not supported: they run code$/,
  },
  {
    name: 'a method call inside a filter',
    rule: ['    given: "$[?(@.kind.constructor(\'x\'))]"', '    then: {function: truthy}'],
    error: /^evil\.yaml:3:12: rules\.evil\.given: .* method calls are not supported: they run code/,
  },
  {
    name: 'a field that Spectral hands to jsonpath-plus',
    rule: ['    given: "$[*]"', `    then: {field: "$[?(${TOUCH})]", function: truthy}`],
    error: /^evil\.yaml:4:19: rules\.evil\.then\.field: .* "this" is not allowed in a filter/,
  },
  {
    name: 'a message expression',
    rule: ['    given: "$[*]"', '    message: "#{{ concat(toUpperCase(error)) }}"', '    then: {function: truthy}'],
    error: /^evil\.yaml:4:14: rules\.evil\.message: #\{\{ concat\(toUpperCase\(error\)\) \}\} is not a placeholder fedlint fills in; use \{\{error\}\}, .* \(expressions are never evaluated\)$/,
  },
  {
    name: 'a lookahead regex (no linear-time engine runs it)',
    rule: ['    given: "$[*].metadata.name"', '    then: {function: pattern, functionOptions: {match: "^(?=a)"}}'],
    error: /^evil\.yaml:4:56: rules\.evil\.then\.functionOptions\.match: "\^\(\?=a\)" is not a regular expression fedlint runs: invalid or unsupported Perl syntax: `\(\?=`; fedlint runs RE2 syntax/,
  },
  {
    name: 'a schema pattern (ajv runs it on JavaScript\'s engine)',
    rule: ['    given: "$[*].metadata.name"', '    then: {function: schema, functionOptions: {schema: {pattern: "^(a+)+$"}}}'],
    error: /^evil\.yaml:4:66: rules\.evil\.then\.functionOptions\.schema\.pattern: a schema in a fedlint ruleset may not use pattern/,
  },
  {
    name: 'a schema $ref to the network',
    rule: ['    given: "$[*]"', '    then: {function: schema, functionOptions: {schema: {$ref: "http://127.0.0.1:9/x.json"}}}'],
    error: /^evil\.yaml:4:63: rules\.evil\.then\.functionOptions\.schema\.\$ref: \$ref "http:\/\/127\.0\.0\.1:9\/x\.json" points outside the schema/,
  },
  {
    name: 'a function Spectral would load from a file',
    rule: ['    given: "$[*]"', '    then: {function: evilFunction}'],
    error: /^evil\.yaml:4:22: rules\.evil\.then\.function: unknown function "evilFunction" \(one of alphabetical, casing/,
  },
];

function evilRepository(rule: string[]): string {
  return workspace({
    '.fedlint.yaml': 'rulesets: [evil.yaml]\n',
    'evil.yaml': ['rules:', '  evil:', ...rule, ''].join('\n'),
    'services.yaml': SERVICES,
  });
}

for (const attack of ATTACKS)
  test(`a repository's ruleset with ${attack.name} is a configuration error in lint(), the CLI and the Action, and runs nothing`, async () => {
    rmSync(MARKER, { force: true });
    const cwd = evilRepository(attack.rule);
    assert.match(await configurationError({ cwd }), attack.error);
    const cli = spawnSync(process.execPath, [CLI], { cwd, encoding: 'utf8', timeout: 20_000 });
    assert.is(cli.status, 2);
    assert.is(cli.stdout, '');
    assert.match(cli.stderr.replace(/^fedlint: /, '').trimEnd(), attack.error);
    assert.is(cli.stderr.trimEnd().split('\n').length, 1);
    const action = spawnSync(process.execPath, [join(ROOT, ACTION_BUNDLE)], {
      cwd,
      encoding: 'utf8',
      timeout: 20_000,
      env: { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: cwd, INPUT_PATHS: '.', 'INPUT_FAIL-ON': 'error', 'INPUT_SARIF-FILE': 'fedlint.sarif', INPUT_ANNOTATIONS: 'true' },
    });
    assert.is(action.status, 2);
    assert.match(action.stdout.trimEnd().replace(/^::error::fedlint: /, ''), attack.error);
    assert.not.ok(existsSync(MARKER), 'a string of the ruleset ran as code');
  });

test('a broken ruleset is a configuration error that names the file, line, column and key', async () => {
  const cases: [string, RegExp][] = [
    ['rules:\n  r:\n    given: "$"\n    then: {function: truthyy}\n', /^bad\.yaml:4:22: rules\.r\.then\.function: unknown function "truthyy"; did you mean "truthy"\?/],
    ['rules:\n  r:\n    then: {function: truthy}\n', /^bad\.yaml:2:3: rules\.r\.given: a JSONPath string or a list of them/],
    ['extends: spectral:oas\nrules: {}\n', /^bad\.yaml:1:1: extends: not supported by fedlint rulesets, which hold only rules and a description/],
    ['rules:\n  federate-path:\n    given: "$"\n    then: {function: truthy}\n', /^bad\.yaml:2:3: rules\.federate-path: a fedlint rule already has this id/],
    ['rules:\n  r:\n    given: "$"\n    severity: fatal\n    then: {function: truthy}\n', /^bad\.yaml:4:15: rules\.r\.severity: unknown severity "fatal"/],
    ['rules:\n  r:\n    given: "$"\n    severity: constructor\n    then: {function: truthy}\n', /^bad\.yaml:4:15: rules\.r\.severity: unknown severity "constructor"/],
    ['rules:\n  r:\n    given: "$"\n    then: {function: truthy}\n    severty: error\n', /^bad\.yaml:5:5: rules\.r\.severty: not a key fedlint rulesets know; did you mean "severity"\?/],
    ['rules:\n  r:\n    given: "$"\n    then: {function: length, functionOptions: {minimum: 1}}\n', /^bad\.yaml:4:57: rules\.r\.then\.functionOptions\.minimum: "length" function does not support "minimum" option/],
    ['rules:\n  r:\n    given: "$"\n    then: {function: truthy, field: "metadata..name"}\n', /^bad\.yaml:4:37: rules\.r\.then\.field: .* names more than one node/],
    ['rules:\n  "r|x":\n    given: "$"\n    then: {function: truthy}\n', /^bad\.yaml:2:3: rules\.r\|x: a rule id is letters, digits and _ \. \/ -/],
    ['rules:\n  r:\n    given: "$[-1]"\n    then: {function: truthy}\n', /^bad\.yaml:3:12: rules\.r\.given: "\$\[-1\]" is not a JSONPath fedlint runs: at character 3, negative indexes/],
    ['a: &a [*a]\nrules: {}\n', /^bad\.yaml:1:8: YAML alias \*a is inside the node anchored &a that it repeats/],
  ];
  for (const [text, message] of cases) {
    const cwd = workspace({ 'services.yaml': SERVICES, 'bad.yaml': text });
    assert.match(await configurationError({ paths: ['services.yaml'], cwd, rulesets: ['bad.yaml'] }), message, text);
  }
});

test('$ref in linted YAML is never followed (no file read, no invalid-ref finding)', async () => {
  const cwd = workspace({
    'secret.txt': 'TOP SECRET',
    'ref.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: mon}\nspec:\n  externalName: {$ref: ./secret.txt}\n  type: ExternalName\n',
    'ruleset.yaml': 'rules:\n  no-secret:\n    given: "$..externalName"\n    then: {function: pattern, functionOptions: {notMatch: SECRET}}\n',
  });
  const result = await lint({ paths: ['ref.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(compact(result).map((f) => f.ruleId), ['schema']);
});

test('keys named like Object.prototype members are data: only own keys are read', async () => {
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {hasOwnProperty: a, constructor: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n';
  const ruleset = [
    'rules:',
    '  no-constructor:',
    "    given: \"$[?(@.data.constructor)].metadata.name\"",
    '    then: {function: falsy}',
    '  has-own:',
    '    given: "$[*].data"',
    '    then: {field: hasOwnProperty, function: falsy}',
    '',
  ].join('\n');
  const cwd = workspace({ 'maps.yaml': manifest, 'ruleset.yaml': ruleset });
  const result = await lint({ paths: ['maps.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(compact(result).map((f) => [f.ruleId, f.line, f.message]), [
    ['no-constructor', 3, '"name" property must be falsy'],
    ['has-own', 4, '"hasOwnProperty" property must be falsy'],
  ]);
});

test('a rule that runs too long (a casing regex that backtracks on a crafted name) is stopped: a configuration error naming it', async () => {
  const cwd = workspace({
    'map.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "a${'0'.repeat(40)}!"}\n`,
    'ruleset.yaml': 'rules:\n  camel-names:\n    given: "$[*].metadata.name"\n    then: {function: casing, functionOptions: {type: camel}}\n',
  });
  const [rule] = await loadRulesets(['ruleset.yaml'], cwd, new Set());
  const { resources: parsed } = parseFile(makeSourceFile(join(cwd, 'map.yaml'), 'map.yaml', readFileSync(join(cwd, 'map.yaml'), 'utf8')), 'default');
  try {
    await runUserRules(parsed, [rule!], 300);
    assert.unreachable('the rule ran to its end');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.is(
      (error as Error).message,
      'ruleset.yaml:2:3: rules.camel-names: ran for more than 0.3 s on 1 resources and was stopped; narrow its given, or simplify its function\'s options',
    );
  }
});

test('JSONPath that would multiply its work (descendants of descendants on a deep list, a 30,000-term filter) answers at once', () => {
  let deep: unknown = 'leaf';
  for (let depth = 0; depth < 300; depth++) deep = [deep];
  const all = select(parseJsonPath('$..*..*..*'), deep);
  assert.is(all.length, 298);
  assert.is(new Set(all.map((match) => match.path.join('/'))).size, all.length);
  const chain = `$[?(${Array.from({ length: 30_000 }, (_, index) => `@.kind == ${index}`).join(' || ')})]`;
  assert.equal(select(parseJsonPath(chain), [{ kind: 29_999 }, { kind: -1 }]).map((match) => match.path), [[0]]);
});

test('functions see their input without a prototype: a schema requiring toString or naming constructor is not met by Object\'s own', async () => {
  const ruleset = [
    'rules:',
    '  has-to-string:',
    '    given: "$[*].metadata"',
    '    then: {function: schema, functionOptions: {schema: {required: [toString]}}}',
    '  constructor-text:',
    '    given: "$[*].metadata"',
    '    then: {function: schema, functionOptions: {schema: {properties: {constructor: {type: string}}}}}',
    '  one-of:',
    '    given: "$[*].metadata"',
    '    then: {function: xor, functionOptions: {properties: [constructor, name]}}',
    '',
  ].join('\n');
  const cwd = workspace({ 'services.yaml': SERVICES, 'ruleset.yaml': ruleset });
  const result = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(compact(result).map((f) => [f.ruleId, f.line, f.message]), [
    ['has-to-string', 3, '"metadata" property must have required property "toString"'],
    ['has-to-string', 11, '"metadata" property must have required property "toString"'],
  ]);
});

test('two rules whose schemas share an $id each keep their own; a schema message names the field, not the resource\'s index', async () => {
  const ruleset = [
    'rules:',
    '  name-number:',
    '    given: "$[*].metadata"',
    '    then: {function: schema, functionOptions: {schema: {$id: same, properties: {name: {type: number}}}}}',
    '  namespace-number:',
    '    given: "$[*].metadata"',
    '    then: {function: schema, functionOptions: {schema: {$id: same, properties: {namespace: {type: number}}}}}',
    '  has-spec-type:',
    '    given: "$[0]"',
    '    then: {function: schema, functionOptions: {schema: {properties: {spec: {required: [type]}}}}}',
    '',
  ].join('\n');
  const cwd = workspace({ 'services.yaml': SERVICES, 'ruleset.yaml': ruleset });
  const result = await lint({ paths: ['services.yaml'], cwd, rulesets: ['ruleset.yaml'] });
  assert.equal(compact(result).filter((f) => f.line < 8).map((f) => [f.ruleId, f.line, f.message]), [
    ['name-number', 4, '"name" property type must be number'],
    ['namespace-number', 5, '"namespace" property type must be number'],
    ['has-spec-type', 7, '"spec" property must have required property "type"'],
  ]);
});

// ---- the JSONPath grammar ----

test('JSONPath: what each form selects, with Spectral\'s meaning of ".[" (a deep scan)', () => {
  const data = [
    { kind: 'Service', metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'q' } }, spec: { ports: [{ port: 80 }, { port: 9090 }], copy: { kind: 'Service' } } },
    { kind: 'Pod', metadata: { name: 'b' } },
  ];
  const cases: [string, string[]][] = [
    ["$[?(@.kind == 'Service')]", ['0']],
    ["$.[?(@.kind == 'Service')]", ['0', '0/spec/copy']],
    ["$..[?(@.kind == 'Service')]", ['0', '0/spec/copy']],
    ["$[*].metadata.labels['app.kubernetes.io/name']", ['0/metadata/labels/app.kubernetes.io/name']],
    ['$[0,1].kind', ['0/kind', '1/kind']],
    ["$[*]['kind','spec']", ['0/kind', '0/spec', '1/kind']],
    ['$..ports[?(@.port > 100)]', ['0/spec/ports/1']],
    ['$[?(@property == 1)].kind', ['1/kind']],
    ['$[?(@.spec.ports.length == 2)].metadata.name', ['0/metadata/name']],
    ["$[?(!@.spec && @.kind != 'Service' || @.metadata.name === 'zz')].kind", ['1/kind']],
    ['$[?(@.metadata.name)].kind', ['0/kind', '1/kind']],
    ['$.*.kind', ['0/kind', '1/kind']],
    ['$[*].spec.ports[1]', ['0/spec/ports/1']],
  ];
  for (const [path, expected] of cases)
    assert.equal(
      select(parseJsonPath(path), data).map((match) => match.path.join('/')),
      expected,
      path,
    );
});

/** Random paths of the grammar, over data with few keys so that they select something; filters of equality only. */
const KEYS = ['a', 'b', 'kind'];
const keyName = fc.constantFrom(...KEYS);
const literal = fc.oneof(fc.constantFrom('x', 'y'), fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.constant(null));
const operandText = fc.oneof(
  fc.array(keyName, { minLength: 1, maxLength: 2 }).map((names) => `@.${names.join('.')}`),
  literal.map((value) => (typeof value === 'string' ? `'${value}'` : String(value))),
);
const filterText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(operandText, fc.constantFrom('==', '!=', '===', '!=='), operandText).map(([l, op, r]) => `${l} ${op} ${r}`),
    fc.array(keyName, { minLength: 1, maxLength: 2 }).map((names) => `@.${names.join('.')}`),
    fc.tuple(tie('expr'), fc.constantFrom('&&', '||'), tie('expr')).map(([l, op, r]) => `(${l}) ${op} (${r})`),
    tie('expr').map((inner) => `!(${inner})`),
  ),
})).expr;
const segmentText = fc.oneof(
  keyName.map((name) => `.${name}`),
  keyName.map((name) => `..${name}`),
  fc.constant('[*]'),
  fc.constant('..*'),
  fc.integer({ min: 0, max: 2 }).map((index) => `[${index}]`),
  // jsonpath-plus reads no union of quoted names (nimma, Spectral's engine, does: see the cases above).
  keyName.map((name) => `['${name}']`),
  fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 3 }).map((indexes) => `[${indexes.join(',')}]`),
  filterText.map((expression) => `[?(${expression})]`),
);
const pathText = fc.array(segmentText, { minLength: 1, maxLength: 4 }).map((segments) => `$${segments.join('')}`);
const value: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    literal,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(keyName, tie('node'), { maxKeys: 3 }),
  ),
})).node;

test('JSONPath: fedlint selects what jsonpath-plus (the engine Spectral falls back on) selects, on random paths and data', () => {
  fc.assert(
    fc.property(pathText, fc.array(value, { maxLength: 3 }), (path, data) => {
      let expected: string[];
      try {
        // jsonpath-plus throws where a filter reads below a missing or null node; fedlint reads undefined there.
        const all = JSONPath({ path, json: data as object, resultType: 'all', wrap: true }) as { pointer: string; parent: unknown }[];
        // jsonpath-plus also indexes into strings ('x'[0]); in manifests that selects nothing.
        // It also reaches a node twice through two descendant steps (`$..*..*`), where fedlint, like nimma, gives it once.
        expected = [...new Set(all.filter((match) => typeof match.parent !== 'string').map((match) => match.pointer))].sort();
      } catch {
        return true;
      }
      const ours = select(parseJsonPath(path), data)
        .map((match) => `/${match.path.join('/')}`)
        .sort();
      assert.equal(ours, expected, path);
      return true;
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
  );
});

test('README: its ruleset example is accepted and runs', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const example = /```yaml\n# team-rules\.yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README has the team-rules.yaml example');
  const cwd = workspace({ 'services.yaml': SERVICES, 'team-rules.yaml': example! });
  const result = await lint({ paths: ['services.yaml'], cwd, rulesets: ['team-rules.yaml'] });
  assert.equal(compact(result).map((f) => [f.ruleId, f.line]), [['service-team-label', 14]]);
});

test.run();
