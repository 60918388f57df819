import { isIP } from 'node:net';
import type { RulesetFunctionContext } from '@stoplight/spectral-core';
import { knownKind } from '../src/model/graph.js';
import { type SpectralResult, defineSpectralRule, mayMatchMore, resourceAt } from '../src/check/spectral.js';
import type { Resource } from '../src/types.js';

function externalNameIp(input: unknown, _options: unknown, context: RulesetFunctionContext): SpectralResult[] {
  const service = resourceAt(context);
  if (!service || !isExternalName(service) || !isIpAddress(input)) return [];
  const address = input.trim();
  return [
    {
      message: `Service "${service.name}" has type ExternalName with the IP address ${address}, but externalName must be a DNS name (clients get a CNAME to it, which an IP cannot be); remove type and externalName to make it a selectorless Service and list ${address} in an Endpoints object of the same name`,
      path: [...context.path],
    },
  ];
}

function isExternalName(resource: Resource): boolean {
  return knownKind(resource) === 'Service' && resource.body.spec?.type === 'ExternalName';
}

function isIpAddress(value: unknown): value is string {
  return typeof value === 'string' && isIP(value.trim()) !== 0;
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
  // Spectral reaches the Service's own spec.externalName, and more only where mayMatchMore says so.
  appliesTo: (resource) => isExternalName(resource) && (isIpAddress(resource.body.spec.externalName) || mayMatchMore(resource)),
  checks: [{ given: "$.[?(@.kind == 'Service')].spec.externalName", function: externalNameIp }],
});
