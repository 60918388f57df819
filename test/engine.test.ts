// The engine: levels from settings, advisory findings that keep their level,
// and a crashing rule that cannot take the other rules' findings down with it.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runRules } from '../src/check/engine.js';
import { Graph } from '../src/model/graph.js';
import { makeSourceFile, parseFile } from '../src/load/parse.js';
import { defineRule } from '../src/check/rule.js';

const { resources } = parseFile(makeSourceFile('x.yaml', 'x.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n'), 'default');
const graph = new Graph(resources);
const settings = { clusterLabel: 'cluster', defaultNamespace: 'default', substitutionLevel: 'note' as const };

const twoLevels = defineRule({
  id: 'two-levels',
  level: 'error',
  summary: 'test rule',
  help: 'test rule',
  check({ graph, report }) {
    const [service] = graph.all('Service');
    report({ resource: service!, pointer: '/metadata/name', message: 'main finding' });
    report({ resource: service!, pointer: '/kind', message: 'advisory', level: 'note' });
  },
});

const crashing = defineRule({
  id: 'crashing',
  level: 'error',
  summary: 'test rule',
  help: 'test rule',
  check({ graph, report }) {
    const [service] = graph.all('Service');
    report({ resource: service!, pointer: '/metadata/name', message: 'reported before the crash' });
    throw new TypeError('boom');
  },
});

const levelsOf = (levels: Record<string, any>) => runRules([twoLevels], graph, settings, levels).findings.map((f) => [f.message, f.level]);

test('a setting replaces the rule level; a finding the rule made advisory never rises above it', async () => {
  assert.equal(levelsOf({}), [['main finding', 'error'], ['advisory', 'note']]);
  assert.equal(levelsOf({ 'two-levels': 'warning' }), [['main finding', 'warning'], ['advisory', 'note']]);
  assert.equal(levelsOf({ 'two-levels': 'note' }), [['main finding', 'note'], ['advisory', 'note']]);
  assert.equal(levelsOf({ 'two-levels': 'off' }), []);
});

test('a rule that throws is a recorded failure; the other rules still report', async () => {
  const { findings, failures } = runRules([crashing, twoLevels], graph, settings, {});
  assert.equal(failures, [{ ruleId: 'crashing', message: 'boom' }]);
  assert.equal(findings.map((f) => f.ruleId), ['crashing', 'two-levels', 'two-levels']);
  assert.equal(findings[0]!.location.region, { startLine: 3, startColumn: 18, endLine: 3, endColumn: 21 });
});

test.run();
