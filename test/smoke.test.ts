import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compact, lintText } from './helpers.js';

test('a file with no Kubernetes objects gives no finding', async () => {
  assert.equal(compact(await lintText('a: 1\n')), []);
});

test.run();
