// kustomize patch files are fragments: the kustomizations that list them keep
// them out of the graph, so a partial ServiceMonitor is not reported as broken.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compact, lintPaths } from './helpers.js';

const DIR = 'test/fixtures/kustomize';

test('a strategic-merge patch listed by a loaded kustomization is not linted as a whole object', async () => {
  const result = await lintPaths([DIR]);
  assert.equal(compact(result), []);
  // base Service, Endpoints, ServiceMonitor and the two kustomizations (one without apiVersion/kind)
  assert.is(result.resourceCount, 5);
});

test('without its kustomization the same file is linted as an object, and its gaps show', async () => {
  const findings = compact(await lintPaths([`${DIR}/overlays/eu/monitor-interval.yaml`])).filter((f) => f.ruleId.startsWith('federate-'));
  assert.equal(
    findings.map((f) => [f.ruleId, f.line]),
    [
      ['federate-cluster-label', 10],
      ['federate-honor-labels', 10],
      ['federate-path', 10],
    ],
  );
});

test.run();
