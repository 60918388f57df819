// Reporters other than SARIF (which has its own suite): colour rules, JSON shape, GitHub escaping.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatGithub } from '../src/report/github.js';
import { formatStylish, useColor } from '../src/report/stylish.js';
import { toSarif } from '../src/report/sarif.js';
import { ROOT, lintText } from './helpers.js';

const ORPHAN = 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: orphan, namespace: mon}\n';

test('stylish: ANSI colour only when asked for; same text otherwise', async () => {
  const result = await lintText(ORPHAN, 'e.yaml');
  const plain = formatStylish(result, { color: false });
  const coloured = formatStylish(result, { color: true });
  assert.not.match(plain, /\u001b\[/);
  assert.match(coloured, /\u001b\[31merror/);
  assert.is(coloured.replace(/\u001b\[\d+m/g, ''), plain);
  assert.is(plain.split('\n')[0], 'e.yaml:3:18  error    Endpoints "orphan" has no Service of the same name in namespace "mon"; create the Service or rename the Endpoints to match it  endpoints-name-match');
});

test('colour: only on a terminal, not into a file, never with a non-empty NO_COLOR', async () => {
  assert.ok(useColor({ toFile: false, isTTY: true, env: {} }));
  assert.ok(useColor({ toFile: false, isTTY: true, env: { NO_COLOR: '' } }));
  assert.not.ok(useColor({ toFile: false, isTTY: true, env: { NO_COLOR: '1' } }));
  assert.not.ok(useColor({ toFile: false, isTTY: false, env: {} }));
  assert.not.ok(useColor({ toFile: true, isTTY: true, env: {} }));
});

test('stylish: no findings is one summary line', async () => {
  assert.is(formatStylish(await lintText('a: 1\n', 'a.yaml'), { color: false }), 'no problems (1 file, 0 resources)\n');
});

test('github: data and properties are escaped the way the runner unescapes them', async () => {
  const result = await lintText(ORPHAN, 'odd,name:100%.yaml');
  result.findings[0]!.message = 'line one\nline two 100%';
  assert.is(
    formatGithub(result),
    '::error file=odd%2Cname%3A100%25.yaml,line=3,col=18,endLine=3,endColumn=24,title=fedlint endpoints-name-match::line one%0Aline two 100%25\n',
  );
});

test('sarif: a crashed rule shows as an unsuccessful invocation with a notification', async () => {
  const result = await lintText(ORPHAN, 'e.yaml');
  const ok: any = toSarif(result, { cwd: ROOT });
  assert.equal(ok.runs[0].invocations, [{ executionSuccessful: true }]);
  const failed: any = toSarif({ ...result, failures: [{ ruleId: 'endpoints-name-match', message: 'boom' }] }, { cwd: ROOT });
  assert.equal(failed.runs[0].invocations[0].toolExecutionNotifications, [
    { level: 'error', message: { text: 'rule endpoints-name-match failed: boom' }, associatedRule: { id: 'endpoints-name-match', index: 4 } },
  ]);
});

test.run();
