import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { isObject } from '../src/load/parse.js';
import { fieldPath, hasPlaceholder } from '../src/lang/placeholders.js';
import { defineRule } from '../src/check/rule.js';
import type { Resource } from '../src/types.js';

/** The ranges the API server refuses as endpoint addresses (ValidateEndpointIP), and why they cannot work. */
const REFUSED: { name: string; why: string; ranges: [string, number, 'ipv4' | 'ipv6'][] }[] = [
  { name: 'the unspecified address', why: 'stands for no host at all', ranges: [['0.0.0.0', 32, 'ipv4'], ['::', 128, 'ipv6']] },
  {
    name: 'a loopback address (127.0.0.0/8, ::1)',
    why: 'reaches the scraping node itself, never the worker cluster',
    ranges: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  },
  {
    name: 'a link-local address (169.254.0.0/16, fe80::/10)',
    why: "reaches only the scraping node's own network link",
    ranges: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  },
  // Go's IsLinkLocalMulticast: 224.0.0.0/24 and ffX2::/16 for every flag nibble X.
  {
    name: 'a link-local multicast address (224.0.0.0/24, ff02::/16)',
    why: "reaches only the scraping node's own network link",
    ranges: [['224.0.0.0', 24, 'ipv4'], ...[...'0123456789abcdef'].map((flags): [string, number, 'ipv6'] => [`ff${flags}2::`, 16, 'ipv6'])],
  },
];

const REFUSED_LISTS = REFUSED.map(({ name, why, ranges }) => {
  const list = new BlockList();
  for (const [network, prefix, type] of ranges) list.addSubnet(network, prefix, type);
  return { name, why, list };
});

/**
 * The first octets of the refused IPv4 ranges. An IPv4 address (as isIPv4 accepts it: four decimal octets without
 * leading zeros) whose first octet is none of these is in no refused range, which spares the BlockList checks (each
 * builds a native socket address) for nearly every address. Every refused IPv4 prefix is /8 or longer, so the first
 * octet of its network is the first octet of each address in it; null, and no shortcut, if a range ever is not.
 */
const REFUSED_IPV4_FIRST_OCTETS: ReadonlySet<string> | null = (() => {
  const ranges = REFUSED.flatMap(({ ranges }) => ranges).filter(([, , type]) => type === 'ipv4');
  if (ranges.some(([, prefix]) => prefix < 8)) return null;
  return new Set(ranges.map(([network]) => network.slice(0, network.indexOf('.'))));
})();

const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/** Lower-case DNS-1123 labels joined by dots: what Kubernetes takes as an FQDN address. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Looks like a host name a person meant (any case), rather than a broken IP address. */
const HOSTNAME_LIKE = /^(?=.*[A-Za-z])[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*\.?$/;

type Family = 'IPv4' | 'IPv6';

export default defineRule({
  id: 'endpoints-address',
  level: 'error',
  summary: 'Endpoints and EndpointSlice addresses are IPs of the right family (DNS names in an FQDN slice), not loopback, link-local or unspecified',
  help:
    'Hand-written Endpoints and EndpointSlices are how a main cluster reaches a worker\'s Prometheus. The API server ' +
    'rejects an Endpoints `ip` that is not an IP address, and refuses the unspecified address (`0.0.0.0`, `::`), ' +
    'loopback (`127.0.0.0/8`, `::1`), link-local (`169.254.0.0/16`, `fe80::/10`) and link-local multicast addresses: ' +
    'none of them can reach another cluster. An EndpointSlice\'s addresses must all be of its `addressType`: IPv4, ' +
    'IPv6, or fully qualified lower-case DNS names for FQDN. A host name in an Endpoints `ip` field is a common ' +
    'mistake: Endpoints take IP addresses only, so use a Service of `type: ExternalName`, or an EndpointSlice with ' +
    '`addressType: FQDN`. Write the worker\'s routable address (its load balancer\'s IP, for instance). Placeholders ' +
    'such as `<WORKER_IP>` are placeholder-value\'s findings, not this rule\'s.',
  check({ graph, report }) {
    for (const endpoints of graph.all('Endpoints')) {
      const subsets = endpoints.body.subsets;
      if (!Array.isArray(subsets)) continue;
      subsets.forEach((subset: unknown, subsetIndex: number) => {
        if (!isObject(subset)) return;
        for (const list of ['addresses', 'notReadyAddresses']) {
          const addresses = subset[list];
          if (!Array.isArray(addresses)) continue;
          addresses.forEach((address: unknown, index: number) => {
            if (!isObject(address) || typeof address.ip !== 'string') return;
            const pointer = `/subsets/${subsetIndex}/${list}/${index}/ip`;
            const problem = endpointsProblem(address.ip);
            if (problem) report({ resource: endpoints, pointer, message: `${describe(endpoints, pointer, address.ip)} ${problem}` });
          });
        }
      });
    }
    for (const slice of graph.all('EndpointSlice')) {
      const addressType = slice.body.addressType;
      if (addressType !== 'IPv4' && addressType !== 'IPv6' && addressType !== 'FQDN') continue;
      const endpoints = slice.body.endpoints;
      if (!Array.isArray(endpoints)) continue;
      endpoints.forEach((endpoint: unknown, endpointIndex: number) => {
        if (!isObject(endpoint) || !Array.isArray(endpoint.addresses)) return;
        endpoint.addresses.forEach((address: unknown, index: number) => {
          if (typeof address !== 'string') return;
          const pointer = `/endpoints/${endpointIndex}/addresses/${index}`;
          const problem = addressType === 'FQDN' ? fqdnProblem(address) : sliceIpProblem(address, addressType);
          if (problem) report({ resource: slice, pointer, message: `${describe(slice, pointer, address)} ${problem}` });
        });
      });
    }
  },
});

function describe(resource: Resource, pointer: string, address: string): string {
  return `${resource.kind} "${resource.name}" ${fieldPath(pointer)} ${JSON.stringify(address)}`;
}

/** An Endpoints ip: an IP of either family, in no refused range. */
function endpointsProblem(address: string): string | null {
  if (hasPlaceholder(address, 'ip')) return null;
  const family = familyOf(address);
  if (family) return refusedProblem(address);
  if (HOSTNAME_LIKE.test(address))
    return 'is a host name, but Endpoints take IP addresses only (the API server rejects it); use a Service of type ExternalName for a name, or an EndpointSlice with addressType FQDN';
  return notAnIpProblem(address, 'an IP address');
}

/** An address of an IPv4 or IPv6 EndpointSlice. */
function sliceIpProblem(address: string, addressType: Family): string | null {
  if (hasPlaceholder(address, 'ip')) return null;
  const family = familyOf(address);
  if (family === addressType) return refusedProblem(address);
  if (family)
    return `is an ${family} address but the slice's addressType is ${addressType}, so the API server rejects it; put it in an EndpointSlice with addressType ${family}`;
  if (HOSTNAME_LIKE.test(address))
    return `is a host name but the slice's addressType is ${addressType}, so the API server rejects it; use addressType FQDN for names`;
  return notAnIpProblem(address, `an ${addressType} address`);
}

/** An address of an FQDN EndpointSlice: lower-case DNS labels, at least two. */
function fqdnProblem(address: string): string | null {
  if (hasPlaceholder(address, 'dns')) return null;
  const name = address.endsWith('.') ? address.slice(0, -1) : address;
  const labels = name.split('.');
  if (name.length <= 253 && labels.length >= 2 && labels.every((label) => DNS_LABEL.test(label))) return null;
  if (familyOf(address) === 'IPv6')
    return 'is an IPv6 address but the slice\'s addressType is FQDN, so the API server rejects it; put it in an EndpointSlice with addressType IPv6';
  if (labels.length < 2 && labels.every((label) => DNS_LABEL.test(label)))
    return 'is a single-label name, but an FQDN EndpointSlice takes fully qualified names (at least two labels, such as prometheus.worker.example.com), so the API server rejects it; write the full name';
  if (/[A-Z]/.test(name) && labels.every((label) => DNS_LABEL.test(label.toLowerCase())))
    return `has capital letters, which the API server rejects in an FQDN address; write ${JSON.stringify(address.toLowerCase())}`;
  return 'is not a valid DNS name (lower-case letters, digits and hyphens in dot-separated labels), so the API server rejects it; write the fully qualified name of the target';
}

function familyOf(address: string): Family | null {
  if (isIPv4(address)) return 'IPv4';
  // A zone (fe80::1%eth0) is no part of an endpoint address.
  if (address.includes('%')) return null;
  // Kubernetes reads an IPv4-mapped IPv6 address (::ffff:10.1.2.3) as the IPv4 address it carries.
  if (isIPv6(address)) return IPV4_MAPPED.check(address, 'ipv6') ? 'IPv4' : 'IPv6';
  return null;
}

function refusedProblem(address: string): string | null {
  // BlockList checks an IPv4-mapped IPv6 address against the IPv4 ranges too.
  const type = isIPv4(address) ? 'ipv4' : 'ipv6';
  if (type === 'ipv4' && REFUSED_IPV4_FIRST_OCTETS?.has(address.slice(0, address.indexOf('.'))) === false) return null;
  const refused = REFUSED_LISTS.find(({ list }) => list.check(address, type));
  if (!refused) return null;
  return `is ${refused.name}, which ${refused.why}, and the API server refuses it as an endpoint address; write the worker cluster's routable address`;
}

function notAnIpProblem(address: string, wanted: string): string {
  // 010.0.0.1: octets with leading zeros, which some readers take as octal.
  const octets = address.split('.');
  if (octets.length === 4 && octets.every((octet) => /^\d{1,3}$/.test(octet)) && isIPv4(octets.map((octet) => String(Number(octet))).join('.')))
    return `has octets with leading zeros, which Kubernetes reads ambiguously (older versions as decimal, others reject it); write ${JSON.stringify(octets.map((octet) => String(Number(octet))).join('.'))}`;
  return `is not ${wanted}, so the API server rejects it; write the worker's routable IP address`;
}
