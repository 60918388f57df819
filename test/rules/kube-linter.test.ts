// selector-matches-service against kube-linter's own fixture for its
// `dangling-servicemonitor` check (test/corpus/kube-linter/, a byte-for-byte
// copy; see test/corpus/PROVENANCE.md or /work/shared/corpus/PROVENANCE.md).
//
// kube-linter expects exactly 4 reports there: ServiceMonitors app1 and app2
// (selector app.kubernetes.io/name=app, which no Service carries), app1 with only
// matchNames [test2], and app1 with selector app.kubernetes.io/name=app1 plus
// matchNames [test2]; and none on the three dont-fire monitors.
//
// fedlint differs on purpose, because it follows Prometheus Operator semantics
// rather than kube-linter's:
// - Without a namespaceSelector a ServiceMonitor looks only in its OWN namespace
//   (kube-linter accepts a Service in any namespace). The first dont-fire
//   monitor has no metadata.namespace, so it is in "default", while its Service
//   is in "dontfire": the operator would never scrape it, so fedlint reports an
//   error that kube-linter does not.
// - kube-linter ignores matchExpressions; fedlint evaluates them (not exercised by
//   this file, which uses matchLabels only).
// - Where no Service at all is loaded in the namespaces the monitor looks at
//   (both matchNames [test2] monitors: the only test1/test2 Services are in
//   test1), the Service may exist in the cluster or another repository, so
//   fedlint cannot verify the selector and reports a `note`, not an error. When
//   a Service with the selected labels exists elsewhere (app1 in "default"), the
//   note names it.
// So fedlint gives 3 errors + 2 notes where kube-linter gives 4 reports.
// (Other fedlint rules fire on this file too, e.g. the selectorless dont-fire
// Service without Endpoints; only selector-matches-service is compared here.)

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, compact, lintPaths } from '../helpers.js';

const FILE = 'test/corpus/kube-linter/dangling-servicemonitor.yml';
const RULE = 'selector-matches-service';

test('the kube-linter fixture is the upstream file, byte for byte', async () => {
  // Git blob SHA of tests/checks/dangling-servicemonitor.yml at stackrox/kube-linter 35de568d (PROVENANCE.md).
  const bytes = readFileSync(join(ROOT, FILE));
  const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  assert.is(blob, '10cc25e4042c83e24210ae08119e877a2ffdc6d9');
});

test('selector-matches-service on kube-linter dangling-servicemonitor.yml', async () => {
  const findings = compact(await lintPaths([FILE])).filter((finding) => finding.ruleId === RULE);
  const at = (line: number, column: number, message: string, level = 'error') => ({ ruleId: RULE, level, file: FILE, line, column, message });
  assert.equal(findings, [
    // dont-fire (no namespace → "default"): kube-linter is silent, fedlint is not; shown at the `metadata` key
    at(
      11,
      1,
      'ServiceMonitor "dont-fire" selects no Service: Service "dont-fire" has the selected labels but is in namespace "dontfire", while the monitor looks only in namespace "default"; add "dontfire" to spec.namespaceSelector.matchNames or move the monitor to that namespace',
    ),
    // kube-linter report 1: app1, selector app.kubernetes.io/name=app
    at(
      53,
      31,
      'ServiceMonitor "app1" selects no Service in namespace "default": the closest, Service "app1", has app.kubernetes.io/name=app1, not app.kubernetes.io/name=app; change the Service\'s labels or the selector',
    ),
    // kube-linter report 2: app2, same selector
    at(
      69,
      31,
      'ServiceMonitor "app2" selects no Service in namespace "default": the closest, Service "app2", has app.kubernetes.io/name=app2, not app.kubernetes.io/name=app; change the Service\'s labels or the selector',
    ),
    // kube-linter report 3: only matchNames [test2], nothing loaded there → note at the namespaceSelector
    at(
      82,
      3,
      'ServiceMonitor "app1" selects no Service that fedlint can verify: no Service is loaded in namespace "test2"; if the Service comes from the cluster or another repository, lint them together',
      'note',
    ),
    // kube-linter report 4: selector app1 + matchNames [test2] → note at the selector, naming Service app1 in "default"
    at(
      97,
      3,
      'ServiceMonitor "app1" selects no Service that fedlint can verify: no Service is loaded in namespace "test2" (Service "app1" in namespace "default" has the selected labels; if that is the one, add "default" to spec.namespaceSelector.matchNames); if the Service comes from the cluster or another repository, lint them together',
      'note',
    ),
  ]);
});

test.run();
