// fedlint's own declarative rules run in one Spectral pass over the array of all
// resource bodies; result paths map back to each resource's file and position.
// (Users' rulesets: test/rulesets.test.ts.)

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spectralRules } from '../rules/index.js';
import { type SpectralReport, runSpectral } from '../src/check/spectral.js';
import { type Resource, lint } from '../src/index.js';
import { discover } from '../src/load/discover.js';
import { parseFile } from '../src/load/parse.js';
import { readSources } from '../src/load/read.js';
import { FIXTURES, ROOT } from './helpers.js';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-spectral-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

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
  const folders = [
    ...readdirSync(FIXTURES).map((folder) => join(FIXTURES, folder)),
    ...readdirSync(join(ROOT, 'test/corpus'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(ROOT, 'test/corpus', entry.name)),
  ];
  const cwd = workspace({ 'embedded.yaml': EMBEDDED });
  const embedded = await lint({ paths: ['embedded.yaml'], cwd });
  // The embedded copies' own findings, which only the deep scan gives.
  assert.ok(embedded.findings.some((finding) => finding.ruleId === 'federate-honor-labels' && finding.pointer === '/spec/copy/spec/endpoints/0'));
  assert.ok(embedded.findings.some((finding) => finding.ruleId === 'externalname-ip' && finding.pointer === '/spec/copy/spec/externalName'));
  const shown = (reports: SpectralReport[]) =>
    reports
      .map(({ ruleId, report }) => JSON.stringify([ruleId, report.resource.file.displayPath, report.resource.documentIndex, report.pointer, report.message, report.level, report.fix]))
      .sort();
  let compared = 0;
  for (const [paths, from] of [...folders.map((folder) => [[folder], ROOT] as const), [['embedded.yaml'], cwd] as const]) {
    const resources = await resourcesIn([...paths], from);
    const picked = resources.filter((resource) => spectralRules.some((rule) => rule.appliesTo(resource)));
    assert.equal(shown(await runSpectral(resources, spectralRules)), shown(await runSpectral(picked, spectralRules)), paths[0]);
    compared += resources.length - picked.length;
  }
  // Not a comparison of equals: most resources are left out by appliesTo.
  assert.ok(compared > 100, `only ${compared} resources left out`);
});

/** The resources lint() would hand to the rules, read from disk. */
async function resourcesIn(paths: string[], cwd: string): Promise<Resource[]> {
  const found = await discover(paths, cwd, []);
  return readSources(found.files, [], cwd, undefined).sources.flatMap((source) => parseFile(source, 'default').resources);
}

test.run();
