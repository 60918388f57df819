import { isSelectorless } from '../src/graph.js';
import { portsOfEndpoints, portsOfService } from '../src/ports.js';
import { defineRule } from '../src/rule.js';
import { closestName, quoteList } from '../src/suggest.js';

export default defineRule({
  id: 'monitor-port-exists',
  level: 'error',
  summary: "A ServiceMonitor endpoint's port names a port of every Service it selects (and of its Endpoints)",
  help:
    "A ServiceMonitor endpoint's `port` is a port *name*, matched against the Service's ports and, through them, the " +
    "Endpoints ports. A name that a selected Service lacks yields no target for that Service. For a Service without a " +
    'selector the hand-written Endpoints object must carry the same port name too. Use the port name exactly as the ' +
    'Service declares it (not the number), or name the Service port.',
  check({ graph, report }) {
    for (const endpoint of graph.monitorEndpoints()) {
      const portName = endpoint.spec.port;
      if (typeof portName !== 'string' || portName === '') continue;
      const pointer = `${endpoint.pointer}/port`;
      const monitorName = endpoint.monitor.name;
      const selected = graph.selectedServices(endpoint.monitor);
      const lacking = selected.filter((service) => !portsOfService(service).some((port) => port.name === portName));
      // A broad selector that catches many unrelated Services is one mistake, not one per Service.
      if (lacking.length > 1) {
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
          if (lacking.length > 1) continue;
          // `port: "8080"`: a number where the operator wants the name; point at the port with that number.
          const numbered = /^[0-9]+$/.test(portName)
            ? ports.find((port) => port.name !== '' && (String(port.port) === portName || String(port.targetPort) === portName))
            : undefined;
          const suggestion = numbered ? numbered.name : names.length === 1 ? names[0] : closestName(portName, names);
          let message: string;
          if (ports.length === 0)
            message = `ServiceMonitor "${monitorName}" scrapes port "${portName}" but Service "${service.name}" declares no ports; add a port named "${portName}" to the Service`;
          else if (names.length === 0)
            message = `ServiceMonitor "${monitorName}" scrapes port "${portName}" but Service "${service.name}" has no named ports; name the Service port "${portName}"`;
          else
            message =
              `ServiceMonitor "${monitorName}" scrapes port "${portName}", which is not a port name of Service "${service.name}" (${quoteList(names)})` +
              (numbered ? `; endpoints[].port takes the port's name, not its number: use "${suggestion}"` : suggestion ? `; use "${suggestion}"` : '');
          report({
            resource: endpoint.monitor,
            pointer,
            message,
            related: [{ resource: service, pointer: '/spec/ports', message: `ports of Service "${service.name}"` }],
          });
          continue;
        }
        if (!isSelectorless(service)) continue;
        const sources = [graph.endpointsOf(service), ...graph.slicesOf(service)].filter((source) => source !== undefined);
        for (const source of sources) {
          const sourceNames = portsOfEndpoints(source).map((entry) => entry.name);
          if (sourceNames.includes(portName)) continue;
          report({
            resource: endpoint.monitor,
            pointer,
            message: `ServiceMonitor "${monitorName}" scrapes port "${portName}" of Service "${service.name}", but ${source.kind} "${source.name}" has no port named "${portName}" (it has ${describePorts(sourceNames)}); name its port "${portName}"`,
            related: [{ resource: source, pointer: '/metadata/name', message: `${source.kind} "${source.name}"` }],
          });
        }
      }
    }
  },
});

/** `"http" and an unnamed port`, `no ports` */
function describePorts(names: string[]): string {
  if (names.length === 0) return 'no ports';
  const named = names.filter((name) => name !== '').map((name) => `"${name}"`);
  const unnamed = names.length - named.length;
  const parts = [...named];
  if (unnamed > 0) parts.push(unnamed === 1 ? 'an unnamed port' : `${unnamed} unnamed ports`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
