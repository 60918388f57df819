// Reporters other than SARIF (which has its own suite): colour rules, JSON shape, GitHub escaping.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatGithub } from '../src/report/github.js';
import { formatJobSummary } from '../src/report/job-summary.js';
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

/** Names and values from a hostile repository: an OSC window title, a colour, a right-to-left override. */
const HOSTILE_NAME = 'a\u001b]0;pwned\u0007\u001b[31mb\u202ec';
const HOSTILE = `apiVersion: v1\nkind: Endpoints\nmetadata: {name: "${HOSTILE_NAME.replace(/\u001b/g, '\\e').replace(/\u0007/g, '\\a').replace(/\u202e/g, '\\u202e')}", namespace: mon}\n`;

test('stylish and github: control characters and bidirectional overrides from the files are shown escaped, never sent to the terminal', async () => {
  const result = await lintText(HOSTILE, 'bad\u001b[2Jname.yaml');
  assert.is(result.findings[0]!.message.includes(HOSTILE_NAME), true, 'the message quotes the name as it is');
  const escaped = 'a\\u001b]0;pwned\\u0007\\u001b[31mb\\u202ec';
  const stylish = formatStylish(result, { color: false });
  assert.not.match(stylish, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  assert.is(
    stylish.split('\n')[0],
    `bad\\u001b[2Jname.yaml:3:18  error    Endpoints "${escaped}" has no Service of the same name in namespace "mon"; create the Service or rename the Endpoints to match it  endpoints-name-match`,
  );
  // fedlint's own colours still reach the terminal.
  assert.match(formatStylish(result, { color: true }), /\u001b\[31merror/);
  const github = formatGithub(result);
  assert.not.match(github, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  assert.match(github, new RegExp(`^::error file=bad\\\\u001b\\[2Jname\\.yaml,.*::Endpoints "${escaped.replace(/[\\[\]]/g, '\\$&')}" has no Service`));
});

test('job summary: a | in a rule id does not split its table row', async () => {
  const result = await lintText(ORPHAN, 'e.yaml');
  result.findings[0]!.ruleId = 'team|rule';
  const rows = formatJobSummary(result, { remarks: [] }).split('\n').filter((line) => line.startsWith('| `'));
  assert.equal(rows, ['| `team\\|rule` | error | 1 |']);
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
