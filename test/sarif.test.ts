// SARIF output: valid against the official 2.1.0 schema (draft-04, so
// ajv-draft-04; one of its patterns needs unicodeRegExp: false) and shaped the
// way GitHub code scanning and SARIF viewers read it.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toSarif } from '../src/report/sarif.js';
import { FIXTURES, ROOT, lintPaths, lintText } from './helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'test/sarif/sarif-schema-2.1.0.json'), 'utf8'));
// Both are CommonJS with `exports.default`: under NodeNext the default import is the module object.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

function assertValid(log: unknown, what: string) {
  const valid = validate(log);
  assert.ok(valid, `${what}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
}

const SEED = 'examples/seed-federation/main-cluster.yaml';

test('the bundled example gives valid SARIF with rules, locations and related locations', async () => {
  const log: any = toSarif(await lintPaths(['examples/seed-federation']), { cwd: ROOT });
  assertValid(log, 'seed');
  const run = log.runs[0];
  const driver = run.tool.driver;
  assert.is(driver.name, 'fedlint');
  assert.ok(driver.informationUri.startsWith('https://'));
  for (const rule of driver.rules) {
    assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text, rule.id);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    assert.ok(rule.helpUri.endsWith(`#${rule.id}`));
  }
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `file://${ROOT}/`);
  assert.is(run.results.length, 6);
  const selector = run.results.find((result: any) => result.ruleId === 'selector-matches-service');
  assert.is(driver.rules[selector.ruleIndex].id, 'selector-matches-service');
  assert.is(selector.level, 'error');
  assert.equal(selector.locations[0].physicalLocation, {
    artifactLocation: { uri: SEED, uriBaseId: '%SRCROOT%' },
    region: { startLine: 44, startColumn: 12, endLine: 44, endColumn: 26 },
  });
  assert.equal(selector.relatedLocations, [
    {
      id: 0,
      physicalLocation: { artifactLocation: { uri: SEED, uriBaseId: '%SRCROOT%' }, region: { startLine: 7, startColumn: 9, endLine: 7, endColumn: 31 } },
      message: { text: 'closest candidate: Service "worker-cluster-metrics"' },
    },
  ]);
  assert.match(selector.partialFingerprints['fedlint/v1'], /^[0-9a-f]{32}:1$/);
});

test('every fixture folder gives schema-valid SARIF', async () => {
  let checked = 0;
  for (const rule of readdirSync(FIXTURES)) {
    for (const variant of readdirSync(join(FIXTURES, rule))) {
      const log = toSarif(await lintPaths([`test/fixtures/${rule}/${variant}`]), { cwd: ROOT });
      assertValid(log, `${rule}/${variant}`);
      checked++;
    }
  }
  assert.ok(checked >= 2, `checked ${checked} folders`);
});

test('fingerprints stay the same when unrelated lines move; lines do change', async () => {
  const text = readFileSync(join(ROOT, SEED), 'utf8');
  const before: any = toSarif(await lintText(text, 'main.yaml'), { cwd: ROOT });
  const after: any = toSarif(await lintText(`# a new comment\n# and another\n${text}`, 'main.yaml'), { cwd: ROOT });
  const prints = (log: any) => log.runs[0].results.map((r: any) => r.partialFingerprints['fedlint/v1']);
  const lines = (log: any) => log.runs[0].results.map((r: any) => r.locations[0].physicalLocation.region.startLine);
  assert.equal(prints(after), prints(before));
  assert.equal(lines(after), lines(before).map((line: number) => line + 2));
  assert.is(new Set(prints(before)).size, 6);
});

test('file names that are not URI-safe are percent-encoded per segment', async () => {
  const log: any = toSarif(await lintText('kind: Service\nmetadata: {name: [\n', 'dir with space/<stdin>#1.yaml'), { cwd: ROOT });
  assertValid(log, 'encoded');
  assert.is(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'dir%20with%20space/%3Cstdin%3E%231.yaml');
});

test.run();
