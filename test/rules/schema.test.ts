// The schema rule: every Service, Endpoints, EndpointSlice, ServiceMonitor, PodMonitor, Probe, ScrapeConfig and
// Prometheus is validated against schemas/ (generated from the Prometheus Operator CRDs by `npm run schemas`), and
// ajv's errors become one finding per problem, at the key of an unknown field or at a wrong value.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leftToOtherRules, mostSpecific, schemaProblems, unknownFieldHint } from '../../rules/schema.js';
import { GENERATED_DIRS, convertSchema, generateSchemas } from '../../scripts/gen-schemas.js';
import { type SchemaError, apiServerView, schemaAt, schemaEntry, validateBody } from '../../src/check/schema-check.js';
import { type Compact, ROOT, compact, lintPaths, lintText, ruleFindings } from '../helpers.js';

const RULE = 'schema';
const file = (name: string) => `test/fixtures/schema/bad/${name}`;
const at = (name: string, line: number, column: number, message: string): Compact => ({ ruleId: RULE, level: 'error', file: file(name), line, column, message });
const schemaOnly = (findings: Compact[]) => findings.filter((finding) => finding.ruleId === RULE);

// ---------------------------------------------------------------- fixtures

test('schema: bad fixtures give exactly these findings, and no other rule fires', async () => {
  assert.equal(await ruleFindings(RULE, 'bad'), [
    // `- IP: …`: one finding; the "ip is required" error that comes with it is the same mistake.
    at('missing-fields.yaml', 22, 9, 'Endpoints "worker-us" has unknown field "IP" in subsets[0].addresses[0]; did you mean "ip"?'),
    // `endpoint:`: the unknown key, not also "endpoints is missing".
    at('missing-fields.yaml', 37, 3, 'ServiceMonitor "worker-us" has unknown field "endpoint" in spec; did you mean "endpoints"?'),
    // A missing required field is shown at the key of the mapping that lacks it.
    at('missing-fields.yaml', 46, 3, 'Probe "worker-us-blackbox" lacks the required field "url" in spec.prober; add it'),
    at('prometheus.yaml', 9, 13, 'Prometheus "main" sets spec.replicas to a string ("2"), but it must be an integer'),
    at('prometheus.yaml', 19, 5, 'Prometheus "main" has unknown field "matchLabel" in spec.ruleSelector; did you mean "matchLabels"?'),
    at(
      'scrapeconfig.yaml',
      2,
      13,
      'ScrapeConfig "edge-nodes" has apiVersion "monitoring.coreos.com/v1", which the API server does not serve for ScrapeConfig; use "monitoring.coreos.com/v1alpha1"',
    ),
    at('scrapeconfig.yaml', 22, 7, 'ScrapeConfig "lab-nodes" has unknown field "label" in spec.staticConfigs[0]; did you mean "labels"?'),
    at('unknown-fields.yaml', 29, 5, 'ServiceMonitor "pushgateway" has unknown field "matchName" in spec.namespaceSelector; did you mean "matchNames"?'),
    // Case-insensitively equal: suggested although the edit distance would allow others too.
    at('unknown-fields.yaml', 34, 7, 'ServiceMonitor "pushgateway" has unknown field "honorlabels" in spec.endpoints[0]; did you mean "honorLabels"?'),
    // A field of the level below, not the nearest name at this level (targetPort).
    at(
      'unknown-fields.yaml',
      38,
      7,
      'ServiceMonitor "pushgateway" has unknown field "targetLabel" in spec.endpoints[0]; it belongs in an entry of metricRelabelings or relabelings',
    ),
    at('wrong-types.yaml', 14, 17, 'Service "worker-eu" sets spec.ports[0].protocol to "tcp", which is not one of "TCP", "UDP" or "SCTP"; did you mean "TCP"?'),
    at(
      'wrong-types.yaml',
      43,
      20,
      `ServiceMonitor "worker-eu" sets spec.endpoints[0].params["match[]"] to a string ('{job="kubernetes-pods"}'), but it must be a list of strings; write it as a one-item list`,
    ),
    at('wrong-types.yaml', 58, 14, 'ServiceMonitor "worker-eu-nodes" sets spec.endpoints to a number (5), but it must be a list of objects'),
  ]);
});

test('schema: good fixtures (every validated kind, Service fields in bulk, kubectl leftovers) give no finding from any rule', async () => {
  assert.equal(await ruleFindings(RULE, 'good'), []);
});

test('schema: the real kube-prometheus and kube-prometheus-stack manifests give no schema finding', async () => {
  for (const corpus of ['test/corpus/kube-prometheus', 'test/corpus/kube-prometheus-stack-k2s']) {
    const result = await lintPaths([corpus]);
    assert.ok(result.resourceCount > 50, corpus);
    assert.equal(schemaOnly(compact(result)), [], corpus);
  }
});

// ---------------------------------------------------------------- inline cases

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 8080
`;

const monitor = (apiVersion: string, endpoint: string) => `---
apiVersion: ${apiVersion}
kind: ServiceMonitor
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  endpoints:
    - port: http
${endpoint}`;

test('schema: monitoring.rhobs kinds are checked against the same CRD schema', async () => {
  const findings = schemaOnly(compact(await lintText(SERVICE + monitor('monitoring.rhobs/v1', '      honorLabel: true\n'), 'shop.yaml')));
  assert.equal(findings, [
    { ruleId: RULE, level: 'error', file: 'shop.yaml', line: 26, column: 7, message: 'ServiceMonitor "web" has unknown field "honorLabel" in spec.endpoints[0]; did you mean "honorLabels"?' },
  ]);
});

test('schema: an enum value of the wrong type is one finding that lists the allowed values', async () => {
  const findings = schemaOnly(compact(await lintText(SERVICE + monitor('monitoring.coreos.com/v1', '      scheme: 5\n'), 'shop.yaml')));
  assert.equal(findings.map((finding) => [finding.line, finding.column, finding.message]), [
    [26, 15, 'ServiceMonitor "web" sets spec.endpoints[0].scheme to 5, which is not one of "http", "https", "HTTP" or "HTTPS"'],
  ]);
});

test('schema: label values must be strings (YAML reads 1.0 and yes as a number and a boolean)', async () => {
  const text = SERVICE.replace('    app: web\nspec', '    app: web\n    version: 1.0\n    canary: yes\nspec');
  assert.equal(schemaOnly(compact(await lintText(text, 'shop.yaml'))).map((finding) => [finding.line, finding.column, finding.message]), [
    [8, 14, 'Service "web" sets metadata.labels.version to a number (1), but it must be a string; quote the value'],
    [9, 13, 'Service "web" sets metadata.labels.canary to a boolean (true), but it must be a string; quote the value'],
  ]);
});

test('schema: keys that are not identifiers are quoted in paths', async () => {
  const text = SERVICE.replace('    app: web\nspec', '    app: web\n    app.kubernetes.io/version: 2\nspec');
  assert.equal(schemaOnly(compact(await lintText(text, 'shop.yaml'))).map((finding) => finding.message), [
    'Service "web" sets metadata.labels["app.kubernetes.io/version"] to a number (2), but it must be a string; quote the value',
  ]);
});

test('schema: an unknown top-level field and an apiVersion that is not served', async () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: web
specs:
  ports:
    - port: 80
---
apiVersion: discovery.k8s.io/v1beta1
kind: EndpointSlice
metadata:
  name: web-1
addressType: IPv4
endpoints: []
---
kind: Endpoints
metadata:
  name: web
`;
  assert.equal(schemaOnly(compact(await lintText(text, 'x.yaml'))).map((finding) => [finding.line, finding.column, finding.message]), [
    [5, 1, 'Service "web" has unknown field "specs"; did you mean "spec"?'],
    [9, 13, 'EndpointSlice "web-1" has apiVersion "discovery.k8s.io/v1beta1", which the API server does not serve for EndpointSlice; use "discovery.k8s.io/v1"'],
    // No apiVersion: shown at the first line of the object.
    [16, 1, 'Endpoints "web" has no apiVersion; use "v1"'],
  ]);
});

test('schema: null values, unquoted timestamps and kubectl leftovers are what the API server accepts', async () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  creationTimestamp: null
  labels:
  annotations:
    released: 2024-03-01
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 8080
      nodePort:
status:
  loadBalancer: {}
`;
  assert.equal(schemaOnly(compact(await lintText(text, 'shop.yaml'))), []);
  assert.equal(apiServerView({ a: null, b: [null, new Date('2024-03-01T00:00:00Z')] }), { b: [null, '2024-03-01T00:00:00.000Z'] });
  const unchanged = { a: 1, b: ['x'] };
  assert.is(apiServerView(unchanged), unchanged);
});

test('schema: a partial patch lacks required fields on purpose; what it does say is still checked', async () => {
  const metadataOnly = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: shop
`;
  const directive = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: shop
spec:
  endpoints:
    - port: http
      $patch: replace
      honorlabels: true
`;
  assert.equal(schemaOnly(compact(await lintText(metadataOnly, 'patch.yaml'))), []);
  assert.equal(schemaOnly(compact(await lintText(directive, 'patch.yaml'))).map((finding) => [finding.line, finding.column, finding.message]), [
    [10, 7, 'ServiceMonitor "web" has unknown field "honorlabels" in spec.endpoints[0]; did you mean "honorLabels"?'],
  ]);
});

test('schema: what a more specific rule reports is left to it (selector shapes, numeric ports, durations, placeholders)', async () => {
  const text = `${SERVICE.replace('      port: 8080', '      port: ${HTTP_PORT}')}---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  endpoints:
    - port: 8080
      interval: 30 s
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web-all
  namespace: shop
spec:
  selector:
    app: web
  endpoints:
    - port: http
`;
  const findings = compact(await lintText(text, 'shop.yaml'));
  assert.equal(schemaOnly(findings), []);
  // Each of them is another rule's finding (while that rule exists: they are being written alongside this one).
  const owners: [string, number, number][] = [
    ['placeholder-value', 13, 13],
    ['monitor-port-exists', 25, 13],
    ['scrape-timeout', 26, 17],
    ['selector-matches-service', 35, 5],
  ];
  for (const [rule, line, column] of owners) {
    if (!existsSync(join(ROOT, 'rules', `${rule}.ts`))) continue;
    assert.ok(findings.some((finding) => finding.ruleId === rule && finding.line === line && finding.column === column), `${rule} reports ${line}:${column}`);
  }
});

test('schema: a PodMonitor selector written beside matchLabels, and a missing one, are left to selector-matches-pods', async () => {
  const podMonitor = (name: string, selector: string) => `---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: ${name}
  namespace: shop
spec:
${selector}  podMetricsEndpoints:
    - port: http
`;
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
${podMonitor('web', '  selector:\n    app: web\n')}${podMonitor('web-none', '')}`;
  // The schema does find both: an unknown field under spec.selector, and spec.selector missing.
  const entry = schemaEntry('PodMonitor', 'monitoring.coreos.com/v1')!;
  const besideMatchLabels = { kind: 'PodMonitor', body: { spec: { selector: { app: 'web' }, podMetricsEndpoints: [{ port: 'http' }] } } };
  const missing = { kind: 'PodMonitor', body: { spec: { podMetricsEndpoints: [{ port: 'http' }] } } };
  const [unknownField] = validateBody(entry, besideMatchLabels.body);
  const [required] = validateBody(entry, missing.body);
  assert.equal([unknownField?.instancePath, unknownField?.keyword], ['/spec/selector', 'additionalProperties']);
  assert.equal([required?.instancePath, required?.keyword, required?.params.missingProperty], ['/spec', 'required', 'selector']);
  assert.ok(leftToOtherRules(besideMatchLabels, unknownField!));
  assert.ok(leftToOtherRules(missing, required!));
  // So they are selector-matches-pods's findings only, at the label's key and at `spec:`.
  const findings = compact(await lintText(text, 'shop.yaml'));
  assert.equal(schemaOnly(findings), []);
  assert.equal(
    findings.filter((finding) => finding.ruleId === 'selector-matches-pods').map((finding) => [finding.line, finding.column]),
    [
      [19, 5],
      [28, 1],
    ],
  );
});

test('schema: a PrometheusAgent scrapeInterval or scrapeTimeout that is not a duration is left to scrape-timeout', async () => {
  const pattern = (instancePath: string): SchemaError => ({
    instancePath,
    schemaPath: `#/properties/spec/properties/${instancePath.split('/').pop()}/pattern`,
    keyword: 'pattern',
    params: { pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' },
  });
  const agent = { kind: 'PrometheusAgent', body: { spec: { scrapeInterval: '30 s', scrapeTimeout: '10 s', evaluationInterval: '1 m' } } };
  assert.ok(leftToOtherRules(agent, pattern('/spec/scrapeInterval')));
  assert.ok(leftToOtherRules(agent, pattern('/spec/scrapeTimeout')));
  // Only the fields scrape-timeout reads.
  assert.not.ok(leftToOtherRules(agent, pattern('/spec/evaluationInterval')));
  // scrape-timeout reports it, and the schema rule does not.
  const text = `apiVersion: monitoring.coreos.com/v1alpha1
kind: PrometheusAgent
metadata:
  name: agent
  namespace: monitoring
spec:
  scrapeInterval: 30 s
`;
  const findings = compact(await lintText(text, 'agent.yaml'));
  assert.equal(schemaOnly(findings), []);
  assert.ok(findings.some((finding) => finding.ruleId === 'scrape-timeout' && finding.line === 7), 'scrape-timeout reports 7');
});

// ---------------------------------------------------------------- choosing and wording errors

test('mostSpecific: of an anyOf, only the branch that got furthest into the value; one error per value; then over if', async () => {
  const ajv = new Ajv.default({ allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile({
    type: 'object',
    properties: {
      target: {
        anyOf: [
          { type: 'object', properties: { port: { type: 'integer' } }, additionalProperties: false },
          { type: 'string' },
        ],
      },
      scheme: { type: 'string', enum: ['http', 'https'] },
    },
    if: { properties: { scheme: { const: 'https' } }, required: ['scheme'] },
    then: { required: ['tls'] },
  });
  validate({ target: { port: 'web' }, scheme: 5 });
  const errors = validate.errors as SchemaError[];
  assert.equal(errors.map((error) => error.keyword).sort(), ['anyOf', 'enum', 'type', 'type', 'type']);
  assert.equal(
    mostSpecific(errors).map((error) => [error.instancePath, error.keyword]),
    [
      ['/target/port', 'type'],
      ['/scheme', 'enum'],
    ],
  );
  // if/then: the then-branch's error, not "must match then schema" too.
  validate({ scheme: 'https' });
  assert.equal((validate.errors as SchemaError[]).map((error) => error.keyword), ['required', 'if']);
  assert.equal(mostSpecific(validate.errors as SchemaError[]).map((error) => [error.keyword, error.params.missingProperty]), [['required', 'tls']]);
});

test('unknownFieldHint: same name in another case first, then a field one level down, then the nearest name', async () => {
  const endpoint = schemaAt('prometheus-operator/servicemonitor.v1.json', ['spec', 'endpoints', '0']);
  assert.equal(unknownFieldHint('HONORLABELS', endpoint).suggestion, 'honorLabels');
  assert.equal(unknownFieldHint('sourcelabels', endpoint).hint, '; it belongs in an entry of metricRelabelings or relabelings (as "sourceLabels")');
  assert.equal(unknownFieldHint('intervall', endpoint).hint, '; did you mean "interval"?');
  assert.equal(unknownFieldHint('frobnicate', endpoint), { suggestion: undefined, hint: '; remove it, or move it where the schema has it' });
  const spec = schemaAt('prometheus-operator/servicemonitor.v1.json', ['spec']);
  assert.equal(unknownFieldHint('matchLabels', spec).hint, '; it belongs under selector');
});

test('schemaProblems: metadata is checked through its $ref, with did-you-mean', async () => {
  const body = { kind: 'Probe', metadata: { name: 'x', label: { a: 'b' } }, spec: {} };
  const problems = schemaProblems({ kind: 'Probe', name: 'x', body }, 'prometheus-operator/probe.v1.json', [
    { instancePath: '/metadata', schemaPath: '../kubernetes/objectmeta.json/additionalProperties', keyword: 'additionalProperties', params: { additionalProperty: 'label' } },
  ]);
  assert.equal(problems, [{ pointer: '/metadata/label', at: 'key', message: 'Probe "x" has unknown field "label" in metadata; did you mean "labels"?' }]);
});

// ---------------------------------------------------------------- generated files

test('schemas/ is up to date with the CRDs and the hand-written Kubernetes schemas (run npm run schemas)', async () => {
  const generated = generateSchemas();
  for (const { path, content } of generated) {
    const onDisk = existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : '(missing)';
    assert.ok(onDisk === content, `${path} is stale: run npm run schemas`);
  }
  const expected = new Set(generated.map((generatedFile) => generatedFile.path));
  for (const dir of GENERATED_DIRS)
    for (const name of readdirSync(join(ROOT, dir))) assert.ok(expected.has(`${dir}/${name}`), `${dir}/${name} is no longer generated: run npm run schemas`);
});

test('schemas/crds are the upstream blobs named in their PROVENANCE.md', async () => {
  const provenance = readFileSync(join(ROOT, 'schemas/crds/PROVENANCE.md'), 'utf8');
  const rows = [...provenance.matchAll(/^\| (monitoring\.coreos\.com_\w+\.yaml) \| \S+ \| ([0-9a-f]{40}) \| (\d+) \|$/gm)];
  assert.is(rows.length, 5);
  for (const [, name, sha, size] of rows) {
    const bytes = readFileSync(join(ROOT, 'schemas/crds', name!));
    const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    assert.equal([bytes.length, blob], [Number(size), sha], name);
  }
});

test('convertSchema: int-or-string, nullable, preserve-unknown-fields, closed objects, dropped keys', async () => {
  assert.equal(
    convertSchema({
      type: 'object',
      description: 'dropped',
      properties: {
        port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
        mode: { type: 'string', enum: ['a', 'b'], nullable: true },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
        size: { type: 'integer', format: 'int32', minimum: 0 },
        list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
      required: ['port'],
      'x-kubernetes-validations': [{ rule: 'self.port > 0' }],
    }),
    {
      type: 'object',
      properties: {
        port: { type: ['integer', 'string'] },
        mode: { type: ['string', 'null'], enum: ['a', 'b', null] },
        raw: { type: 'object', properties: { a: { type: 'string' } } },
        size: { type: 'integer', maximum: 2147483647, minimum: 0 },
        list: { type: 'array', items: { type: 'string' } },
      },
      additionalProperties: false,
      required: ['port'],
    },
  );
  assert.throws(() => convertSchema({ type: 'object', patternProperties: {} }), /unknown keyword "patternProperties"/);
});

test('start-up: linting one Service loads the Service validator only, never the Prometheus or ScrapeConfig one', async () => {
  const script = `
    import { createRequire } from 'node:module';
    import { lintText } from './test/helpers.ts';
    await lintText(${JSON.stringify(SERVICE)}, 'web.yaml');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('/schemas/validators/'));
    console.log(JSON.stringify(loaded.map((path) => path.split('/').pop())));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  assert.equal(JSON.parse(child.stdout.trim().split('\n').pop()!), ['service.cjs']);
});

test.run();
