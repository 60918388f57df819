// Property-based fuzzing with fast-check: random Kubernetes-shaped documents
// and random mutations of the real fixtures (deleted lines, swapped lines,
// changed indentation, truncation, keys named after Object.prototype members,
// a value turned into a mapping of such keys). Whatever the input, the library
// never throws, no rule crashes, every reported region lies inside its file and
// within its lines, no message shows a mapping as "[object Object]", and the
// SARIF log stays valid against the official schema.
//
// FUZZ_RUNS sets the number of cases per property (CI default below keeps the
// suite well under a minute; `npm run fuzz` runs many more).

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isPair, isScalar, isSeq, parseAllDocuments, stringify, visit } from 'yaml';
import { lintSources } from '../src/index.js';
import { YAML_OPTIONS, makeSourceFile } from '../src/load/parse.js';
import { toSarif } from '../src/report/sarif.js';
import { FIXTURES, PROTOTYPE_KEYS, ROOT } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const ajv = new AjvDraft04.default({ allErrors: false, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test/sarif/sarif-schema-2.1.0.json'), 'utf8')));

async function assertSound(text: string, name = 'fuzz.yaml'): Promise<void> {
  const file = makeSourceFile(name, name, text);
  const result = await lintSources([file]);
  assert.equal(result.failures, [], 'a rule crashed');
  // Lines as SARIF and editors count them: CRLF, LF and a lone CR each end one; a column is at most length + 1.
  const lines = file.text.split(/\r\n|\r|\n/);
  for (const finding of result.findings) {
    assert.not.match(finding.message, /\[object Object\]/, finding.message);
    for (const { region } of [finding.location, ...finding.related.map((related) => related.location)]) {
      if (finding.location.file !== file) continue;
      const where = `${finding.ruleId} ${region.startLine}:${region.startColumn}-${region.endLine}:${region.endColumn}`;
      assert.ok(region.startLine >= 1 && region.startLine <= lines.length, where);
      assert.ok(region.endLine >= region.startLine && region.endLine <= lines.length, where);
      assert.ok(region.startColumn >= 1 && region.startColumn <= lines[region.startLine - 1]!.length + 1, where);
      assert.ok(region.endColumn >= 1 && region.endColumn <= lines[region.endLine - 1]!.length + 1, `end column past its line: ${where}`);
      assert.ok(region.endLine > region.startLine || region.endColumn >= region.startColumn, where);
    }
  }
  assert.ok(validateSarif(toSarif(result, { cwd: ROOT })), JSON.stringify(validateSarif.errors?.slice(0, 2)));
}

// ---------------------------------------------------------------- random documents

const KINDS: [string, string][] = [
  ['v1', 'Service'],
  ['v1', 'Endpoints'],
  ['discovery.k8s.io/v1', 'EndpointSlice'],
  ['monitoring.coreos.com/v1', 'ServiceMonitor'],
  ['monitoring.coreos.com/v1', 'PodMonitor'],
  ['monitoring.coreos.com/v1alpha1', 'ScrapeConfig'],
  ['monitoring.coreos.com/v1', 'Prometheus'],
  ['monitoring.rhobs/v1', 'ServiceMonitor'],
  ['apps/v1', 'Deployment'],
];

// Values the rules look at, mixed with arbitrary JSON: the keys are the ones fedlint reads (and PROTOTYPE_KEYS), the
// values anything.
const word = fc.constantFrom('web', 'metrics', '/federate', 'federate', 'match[]', '{job="x"}', '{__name__=~".+"}', '<IP>', '${VAR}', '10.0.0.1', '127.0.0.1', 'ExternalName', 'LoadBalancer', '9090', '30s', '1m', 'In', 'cluster', '');
const leaf = fc.oneof(word, fc.integer({ min: -1, max: 70000 }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }));
const key = fc.constantFrom(
  'name', 'namespace', 'labels', 'selector', 'matchLabels', 'matchExpressions', 'key', 'operator', 'values', 'ports', 'port',
  'targetPort', 'endpoints', 'podMetricsEndpoints', 'path', 'metricsPath', 'params', 'match[]', 'honorLabels',
  'honorTimestamps', 'relabelings', 'targetLabel', 'replacement', 'subsets', 'addresses', 'ip', 'type', 'externalName',
  'interval', 'scrapeTimeout', 'namespaceSelector', 'any', 'matchNames', 'serviceMonitorSelector', 'staticConfigs',
  'targets', 'tlsConfig', 'insecureSkipVerify', 'scheme', 'template', 'spec', 'metadata', 'app', 'cluster',
  'action', 'containerPort', 'containers', 'annotations', ...PROTOTYPE_KEYS,
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 5 })),
}));
const resource = fc.record({
  kind: fc.constantFrom(...KINDS),
  metadata: fc.dictionary(key, value, { maxKeys: 4 }),
  spec: value,
});

test('random Kubernetes-shaped documents never break the linter', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(resource, { minLength: 1, maxLength: 6 }), async (resources) => {
      const text = resources
        .map(({ kind: [apiVersion, kind], metadata, spec }) => stringify({ apiVersion, kind, metadata, spec }))
        .join('---\n');
      await assertSound(text);
    }),
    { numRuns: RUNS },
  );
});

// ---------------------------------------------------------------- mutated fixtures

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) return [];
    return stats.isDirectory() ? fixtureFiles(path) : /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

const fixtures = fixtureFiles(FIXTURES).map((path) => readFileSync(path, 'utf8'));

const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('  - ', '{', '"', "'", ': ', '&a ', '*a', '\t', '---', '# c', '\r') }),
  // A key named after an Object.prototype member, on a line of its own beside the line `at` (same indentation).
  fc.record({ op: fc.constant('key' as const), at: fc.nat(), key: fc.constantFrom(...PROTOTYPE_KEYS), value: fc.constantFrom('x', '{toString: x, valueOf: y}', '[a]', '{}') }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, mutations: Mutation[]): string {
  let lines = text.split('\n');
  for (const change of mutations) {
    const at = lines.length === 0 ? 0 : change.at % lines.length;
    switch (change.op) {
      case 'delete':
        lines.splice(at, 1);
        break;
      case 'swap': {
        const other = change.with % Math.max(1, lines.length);
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
        break;
      }
      case 'indent':
        lines[at] = change.by >= 0 ? ' '.repeat(change.by) + (lines[at] ?? '') : (lines[at] ?? '').replace(new RegExp(`^ {0,${-change.by}}`), '');
        break;
      case 'truncate':
        lines = lines.join('\n').slice(0, change.at % (lines.join('\n').length + 1)).split('\n');
        break;
      case 'insert': {
        const line = lines[at] ?? '';
        const column = change.at % (line.length + 1);
        lines[at] = line.slice(0, column) + change.text + line.slice(column);
        break;
      }
      case 'key': {
        const indent = /^[ -]*/.exec(lines[at] ?? '')![0].replace(/-/g, ' ');
        lines.splice(at + 1, 0, `${indent}${change.key}: ${change.value}`);
        break;
      }
    }
  }
  return lines.join('\n');
}

test('mutated fixtures (deleted, swapped, re-indented, truncated, spliced, given Object.prototype-named keys) never break the linter', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: fixtures.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (index, mutations) => {
      await assertSound(mutate(fixtures[index]!, mutations), 'mutated.yaml');
    }),
    { numRuns: RUNS },
  );
});

/** Offsets [start, end) of every scalar value (a mapping's value, a list's item) in a text's documents. */
function scalarValues(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  for (const document of Array.isArray(documents) ? documents : []) {
    visit(document, {
      Pair(_key, pair) {
        if (isPair(pair) && isScalar(pair.value) && pair.value.range) ranges.push([pair.value.range[0], pair.value.range[1]]);
      },
      Seq(_key, seq) {
        if (isSeq(seq)) for (const item of seq.items) if (isScalar(item) && item.range) ranges.push([item.range[0], item.range[1]]);
      },
    });
  }
  return ranges;
}

const fixtureValues = fixtures.map(scalarValues);

test('a value the rules expect as a string or number that is a mapping of Object.prototype-named keys never breaks a rule', async () => {
  // A mapping with its own `toString` and `valueOf` cannot be turned into a string: String() and `${}` throw on it.
  const hostile = `{${PROTOTYPE_KEYS.map((key, index) => `${key}: v${index}`).join(', ')}}`;
  const valued = fixtures.map((_, index) => index).filter((index) => fixtureValues[index]!.length > 0);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...valued), fc.nat(), async (index, pick) => {
      const values = fixtureValues[index]!;
      const [start, end] = values[pick % values.length]!;
      const text = fixtures[index]!;
      await assertSound(`${text.slice(0, start)}${hostile}${text.slice(end)}`, 'valued.yaml');
    }),
    { numRuns: RUNS },
  );
});

test.run();
