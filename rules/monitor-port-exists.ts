import { isSelectorless, spec } from '../src/model/graph.js';
import { type PortEntry, portsOfEndpoints, portsOfService } from '../src/model/ports.js';
import { defineRule } from '../src/check/rule.js';
import { closestName, quoteList } from '../src/lang/suggest.js';
import { textOf } from '../src/quote.js';
import type { Resource } from '../src/types.js';
import { selectorProblems } from './selector-matches-service.js';

export default defineRule({
  id: 'monitor-port-exists',
  level: 'error',
  summary: "A ServiceMonitor endpoint's port names a port of every Service it selects (and of its Endpoints)",
  help:
    "A ServiceMonitor endpoint's `port` is a port *name*, matched against the Service's ports and, through them, the " +
    "Endpoints ports. A name that a selected Service lacks yields no target for that Service. For a Service without a " +
    'selector the hand-written Endpoints object or one of its EndpointSlices (which may be split by port) must carry ' +
    'the same port name too. Use the port name exactly as the Service declares it (not the number, quoted or not), ' +
    'or name the Service port. A monitor whose endpoints scrape different ports of different Services is fine: a ' +
    "Service is not reported for an endpoint when all of its named ports are scraped by the monitor's other " +
    'endpoints, unless no selected Service has the port at all.',
  check({ graph, report }) {
    /**
     * Monitors without a selector (rejected by the API server, or a patch of one) or with one that
     * selector-matches-service reports as unusable: what they select is not what anyone meant, so no port to check.
     */
    const unusable = new Map<Resource, boolean>();
    const selectorUnusable = (monitor: Resource) => {
      let result = unusable.get(monitor);
      if (result === undefined) {
        const selector = spec(monitor).selector;
        result = selector === undefined || selector === null || selectorProblems(monitor, graph.scopeOf(monitor)).some((problem) => problem.stop);
        unusable.set(monitor, result);
      }
      return result;
    };

    const endpoints = graph.monitorEndpoints();
    /** The port each endpoint of a monitor scrapes, by endpoint index. */
    const portsByMonitor = new Map<Resource, Map<number, string>>();
    for (const endpoint of endpoints) {
      const port = endpoint.spec.port;
      if (typeof port !== 'string' && typeof port !== 'number') continue;
      let ports = portsByMonitor.get(endpoint.monitor);
      if (!ports) portsByMonitor.set(endpoint.monitor, (ports = new Map()));
      ports.set(endpoint.index, String(port));
    }

    for (const endpoint of endpoints) {
      const written = endpoint.spec.port;
      // `port: 9090` and `port: "9090"` are the same mistake: a number where the name belongs.
      const portName = typeof written === 'number' ? String(written) : written;
      if (typeof portName !== 'string' || portName === '') continue;
      if (selectorUnusable(endpoint.monitor)) continue;
      const pointer = `${endpoint.pointer}/port`;
      const monitorName = endpoint.monitor.name;
      const selected = graph.selectedServices(endpoint.monitor);
      const hasPort = (service: Resource) => portsOfService(service).some((port) => port.name === portName);
      // Ports the monitor's other endpoints scrape: a Service all of whose named ports are among them is meant
      // for those endpoints (one monitor, several Services with different ports), not for this one. A port
      // another endpoint plainly means (a typo of its name, or its number) counts: that endpoint's finding is
      // the one that helps.
      const elsewhere = [...(portsByMonitor.get(endpoint.monitor) ?? [])].filter(([index]) => index !== endpoint.index).map(([, port]) => port);
      const meantForOthers = (service: Resource) => {
        const ports = portsOfService(service).filter((port) => port.name !== '');
        const names = ports.map((port) => port.name);
        const scraped = (port: PortEntry) =>
          elsewhere.some(
            (other) =>
              other === port.name ||
              closestName(other, names) === port.name ||
              (/^[0-9]+$/.test(other) && (textOf(port.port) === other || textOf(port.targetPort) === other)),
          );
        return ports.length > 0 && ports.every(scraped);
      };
      const without = selected.filter((service) => !hasPort(service));
      const unexplained = without.filter((service) => !meantForOthers(service));
      // When no selected Service has the port, the endpoint scrapes nothing: report it even if every Service is
      // spoken for by another endpoint.
      let lacking = unexplained.length > 0 || without.length < selected.length ? unexplained : without;
      // `port: 9090` or `port: "9090"`: a number where the operator wants the name. The Services with a port of
      // that number are the ones meant, and each gets told that port's name.
      const numbered = (service: Resource) =>
        /^[0-9]+$/.test(portName)
          ? portsOfService(service).find((port) => port.name !== '' && (textOf(port.port) === portName || textOf(port.targetPort) === portName))
          : undefined;
      const byNumber = lacking.filter((service) => numbered(service) !== undefined);
      if (byNumber.length > 0) lacking = byNumber;
      // A broad selector that catches many unrelated Services is one mistake, not one per Service.
      const summarize = lacking.length > 1 && byNumber.length === 0;
      if (summarize) {
        const shown = lacking.slice(0, 3).map((service) => service.name);
        const names = lacking.length > shown.length ? `${shown.map((name) => `"${name}"`).join(', ')} and ${lacking.length - shown.length} more` : quoteList(shown);
        report({
          resource: endpoint.monitor,
          pointer,
          message: `ServiceMonitor "${monitorName}" scrapes port "${portName}", which ${lacking.length} of the ${selected.length} Services it selects lack (${names}); name their ports "${portName}" or narrow spec.selector to the Services that have it`,
          related: lacking.slice(0, 10).map((service) => ({ resource: service, pointer: '/spec/ports', message: `ports of Service "${service.name}"` })),
        });
      }
      for (const service of selected) {
        const ports = portsOfService(service);
        const names = ports.map((port) => port.name).filter((name) => name !== '');
        if (!names.includes(portName)) {
          if (summarize || !lacking.includes(service)) continue;
          const numberedPort = numbered(service);
          const suggestion = numberedPort ? numberedPort.name : names.length === 1 ? names[0] : closestName(portName, names);
          let message: string;
          if (ports.length === 0)
            message = `ServiceMonitor "${monitorName}" scrapes port "${portName}" but Service "${service.name}" declares no ports; add a port named "${portName}" to the Service`;
          else if (names.length === 0)
            message = `ServiceMonitor "${monitorName}" scrapes port "${portName}" but Service "${service.name}" has no named ports; name the Service port "${portName}"`;
          else
            message =
              `ServiceMonitor "${monitorName}" scrapes port "${portName}", which is not a port name of Service "${service.name}" (${quoteList(names)})` +
              (numberedPort ? `; endpoints[].port takes the port's name, not its number: use "${suggestion}"` : suggestion ? `; use "${suggestion}"` : '');
          report({
            resource: endpoint.monitor,
            pointer,
            message,
            related: [{ resource: service, pointer: '/spec/ports', message: `ports of Service "${service.name}"` }],
          });
          continue;
        }
        if (!isSelectorless(service)) continue;
        // Endpoints and EndpointSlices may split a Service's ports between them (one slice per port):
        // the port has to be somewhere among them, not in each.
        const sources = [graph.endpointsOf(service), ...graph.slicesOf(service)].filter((source) => source !== undefined);
        if (sources.length === 0) continue;
        const sourceNames = sources.flatMap((source) => portsOfEndpoints(source).map((entry) => entry.name));
        if (sourceNames.includes(portName)) continue;
        const single = sources.length === 1 ? sources[0]! : undefined;
        const where = describeSources(sources);
        report({
          resource: endpoint.monitor,
          pointer,
          message: single
            ? `ServiceMonitor "${monitorName}" scrapes port "${portName}" of Service "${service.name}", but ${where} has no port named "${portName}" (it has ${describePorts(sourceNames)}); name its port "${portName}"`
            : `ServiceMonitor "${monitorName}" scrapes port "${portName}" of Service "${service.name}", but none of ${where} has a port named "${portName}" (they have ${describePorts(sourceNames)}); add a port named "${portName}" with the target's port number to one of them`,
          related: sources.map((source) => ({ resource: source, pointer: '/metadata/name', message: `${source.kind} "${source.name}"` })),
        });
      }
    }
  },
});

/** `Endpoints "a"`, `Endpoints "a" and EndpointSlices "a-1" and "a-2"` */
function describeSources(sources: Resource[]): string {
  const endpoints = sources.filter((source) => source.kind === 'Endpoints').map((source) => source.name);
  const slices = sources.filter((source) => source.kind !== 'Endpoints').map((source) => source.name);
  const parts: string[] = [];
  if (endpoints.length > 0) parts.push(`Endpoints ${quoteList(endpoints)}`);
  if (slices.length > 0) parts.push(`${slices.length === 1 ? 'EndpointSlice' : 'EndpointSlices'} ${quoteList(slices)}`);
  return parts.join(' and ');
}

/** `"http" and an unnamed port`, `no ports` */
function describePorts(names: string[]): string {
  if (names.length === 0) return 'no ports';
  const named = [...new Set(names.filter((name) => name !== ''))].map((name) => `"${name}"`);
  const unnamed = names.length - named.length;
  const parts = [...named];
  if (unnamed > 0) parts.push(unnamed === 1 ? 'an unnamed port' : `${unnamed} unnamed ports`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
