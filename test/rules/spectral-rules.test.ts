// The rules that are a JSONPath and a check (run through Spectral): externalname-ip and
// federate-honor-timestamps. (federate-path, federate-match-required and federate-honor-labels, also
// Spectral rules, have their suites in federate.test.ts.)

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ruleFindings } from '../helpers.js';

const DIR = 'test/fixtures';

test('externalname-ip: bad fixtures', async () => {
  const file = `${DIR}/externalname-ip/bad/externalname-ip.yaml`;
  const fix = (ip: string) =>
    `but externalName must be a DNS name (clients get a CNAME to it, which an IP cannot be); remove type and externalName to make it a selectorless Service and list ${ip} in an Endpoints object of the same name`;
  assert.equal(await ruleFindings('externalname-ip', 'bad'), [
    // the IP value itself
    { ruleId: 'externalname-ip', level: 'error', file, line: 11, column: 17, message: `Service "worker-eu" has type ExternalName with the IP address 10.40.0.7, ${fix('10.40.0.7')}` },
    { ruleId: 'externalname-ip', level: 'error', file, line: 24, column: 17, message: `Service "worker-us" has type ExternalName with the IP address fd00::17, ${fix('fd00::17')}` },
  ]);
});

test('externalname-ip: good fixtures (a DNS name; a selectorless Service with Endpoints) give no finding from any rule', async () => {
  assert.equal(await ruleFindings('externalname-ip', 'good'), []);
});

test('federate-honor-timestamps: bad fixtures', async () => {
  assert.equal(await ruleFindings('federate-honor-timestamps', 'bad'), [
    {
      ruleId: 'federate-honor-timestamps',
      level: 'warning',
      file: `${DIR}/federate-honor-timestamps/bad/honor-timestamps-false.yaml`,
      line: 41,
      column: 24,
      message:
        'ServiceMonitor "worker-ap" endpoint "web" sets honorTimestamps: false, so federated samples are stamped with the scrape time instead of the time the worker recorded them, which skews rates and shifts staleness; remove honorTimestamps or set it to true',
    },
  ]);
});

test('federate-honor-timestamps: good fixtures give no finding from any rule', async () => {
  assert.equal(await ruleFindings('federate-honor-timestamps', 'good'), []);
});

test.run();
