// The findings made before any rule runs: yaml-syntax and file-unreadable.

import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lint } from '../../src/index.js';
import { compact, lintPaths, ruleFindings } from '../helpers.js';

const DIR = 'test/fixtures';

test('yaml-syntax: bad fixtures, at the parser\'s position; the file\'s other documents are still linted', async () => {
  assert.equal(await ruleFindings('yaml-syntax', 'bad'), [
    {
      ruleId: 'yaml-syntax',
      level: 'error',
      file: `${DIR}/yaml-syntax/bad/duplicate-key.yaml`,
      line: 11,
      column: 7,
      message: 'YAML syntax error: Map keys must be unique; this document is not linted until it parses',
    },
    {
      ruleId: 'yaml-syntax',
      level: 'error',
      file: `${DIR}/yaml-syntax/bad/unclosed-flow.yaml`,
      line: 15,
      column: 1,
      message:
        'YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }; this document is not linted until it parses',
    },
  ]);
  // unclosed-flow.yaml's first document (a Service) is a resource all the same.
  assert.is((await lintPaths([`${DIR}/yaml-syntax/bad/unclosed-flow.yaml`])).resourceCount, 1);
});

test('yaml-syntax: good fixture (CRLF, a kind: List, an anchor) gives no finding', async () => {
  assert.equal(await ruleFindings('yaml-syntax', 'good'), []);
});

// The bad fixture is made at run time: a symlink loop cannot live in test/, whose tree the test runner itself walks.
test('file-unreadable: a symlink loop is a finding, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedlint-unreadable-'));
  symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
  assert.equal(compact(await lint({ paths: ['.'], cwd: dir })), [
    {
      ruleId: 'file-unreadable',
      level: 'error',
      file: 'loop.yaml',
      line: 1,
      column: 1,
      message: 'cannot read loop.yaml: symbolic link loop; fix it or exclude it with --ignore',
    },
  ]);
});

test('file-unreadable: a symlink that resolves is read like any file', async () => {
  const result = await lintPaths([`${DIR}/file-unreadable/good`]);
  assert.equal(result.findings, []);
  assert.is(result.resourceCount, 1);
});

test.run();
