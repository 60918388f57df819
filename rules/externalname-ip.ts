import { isIP } from 'node:net';
import type { RulesetFunctionContext } from '@stoplight/spectral-core';
import { knownKind } from '../src/graph.js';
import { type SpectralResult, defineSpectralRule, resourceAt } from '../src/spectral.js';

function externalNameIp(input: unknown, _options: unknown, context: RulesetFunctionContext): SpectralResult[] {
  const service = resourceAt(context);
  if (!service || knownKind(service) !== 'Service' || service.body.spec?.type !== 'ExternalName' || typeof input !== 'string') return [];
  const address = input.trim();
  if (isIP(address) === 0) return [];
  return [
    {
      message: `Service "${service.name}" has type ExternalName with the IP address ${address}, but externalName must be a DNS name (clients get a CNAME to it, which an IP cannot be); remove type and externalName to make it a selectorless Service and list ${address} in an Endpoints object of the same name`,
      path: [...context.path],
    },
  ];
}

export default defineSpectralRule({
  id: 'externalname-ip',
  level: 'error',
  summary: 'An ExternalName Service names a DNS name, not an IP address',
  help:
    'An ExternalName Service is answered by cluster DNS with a CNAME record to spec.externalName. A CNAME to an IP ' +
    'address does not resolve (Kubernetes documents IPv4 addresses as not supported there), so the federation target ' +
    'cannot be reached. To point at a remote Prometheus by IP, use a Service without a selector (and without type ' +
    'ExternalName) plus an Endpoints object (or EndpointSlice) of the same name that lists the IP and a port with the ' +
    "Service port's name.",
  appliesTo: (resource) => knownKind(resource) === 'Service' && resource.body.spec?.type === 'ExternalName',
  checks: [{ given: "$.[?(@.kind == 'Service')].spec.externalName", function: externalNameIp }],
});
