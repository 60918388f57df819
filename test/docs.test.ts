import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allRules } from '../rules/index.js';
import { renderRuleDocs } from '../scripts/rule-docs.js';
import { ROOT } from './helpers.js';

test('docs/rules.md is generated from the current rule metadata (run npm run docs)', async () => {
  assert.fixture(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8'), renderRuleDocs(allRules));
});

test('every rule has an id, a level, a one-line summary and help that says how to fix', async () => {
  for (const rule of allRules) {
    assert.match(rule.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(['error', 'warning', 'note'].includes(rule.level), rule.id);
    assert.ok(rule.summary.length > 10 && !rule.summary.includes('\n') && !rule.summary.endsWith('.'), rule.id);
    assert.ok(rule.help.length > 80, rule.id);
  }
  assert.is(new Set(allRules.map((rule) => rule.id)).size, allRules.length);
});

test('the README lists every rule with a link to its help', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const rule of allRules) assert.ok(readme.includes(`[\`${rule.id}\`](docs/rules.md#${rule.id})`), rule.id);
});

test.run();
