import { DURATION_GRAMMAR, parseDuration } from '../src/lang/durations.js';
import { type MonitorEndpoint, describeEndpoint, spec } from '../src/model/graph.js';
import { hasPlaceholder } from '../src/lang/placeholders.js';
import { defineRule } from '../src/check/rule.js';
import type { RelatedLocation, Report, Resource } from '../src/types.js';

/** The operator's scrapeInterval when a Prometheus does not set one (the CRD's default). */
const DEFAULT_SCRAPE_INTERVAL = '30s';

/** One place that sets an interval and a timeout: a monitor endpoint, a Probe, a Prometheus. */
interface Scrape {
  resource: Resource;
  /** Pointer of the object holding the two fields. */
  pointer: string;
  fields: Record<string, any>;
  intervalField: 'interval' | 'scrapeInterval';
  /** How messages name it. */
  what: string;
  /** What the operator rejects when the timeout is too long. */
  rejected: string;
}

/** A duration field's state: absent, not checkable here (another rule's finding), or a valid length. */
type Duration = { state: 'absent' } | { state: 'unknown' } | { state: 'valid'; text: string; ms: number };

export default defineRule({
  id: 'scrape-timeout',
  level: 'error',
  summary: '`interval`, `scrapeInterval` and `scrapeTimeout` are valid Prometheus durations and the timeout does not exceed the interval',
  help:
    'Scrape intervals and timeouts are Prometheus durations: a whole number and a unit (`ms`, `s`, `m`, `h`, `d`, ' +
    '`w`, `y`), several from the largest unit to the smallest (`1m30s`), or `0`. `30sec`, `1.5m`, `30S`, `30 s` and ' +
    '`PT30S` are not: the API server rejects them (the CRDs\' pattern) or, with older CRDs, Prometheus Operator drops ' +
    'the object. A `scrapeTimeout` longer than the interval is rejected too: Prometheus Operator skips the whole ' +
    'ServiceMonitor, PodMonitor, Probe or ScrapeConfig (it only logs why; Prometheus itself refuses such a job), and ' +
    'refuses a Prometheus whose `scrapeTimeout` exceeds its `scrapeInterval` (30s when not set). An endpoint without ' +
    'an interval is scraped at its Prometheus\'s `scrapeInterval`, so fedlint compares its timeout with that when ' +
    'exactly one Prometheus (or PrometheusAgent) is loaded. Federation scrapes are large: raise the interval rather ' +
    'than push the timeout past it. Checked on ServiceMonitor endpoints, PodMonitor podMetricsEndpoints, Probes, ' +
    'ScrapeConfigs (`scrapeInterval`) and Prometheus and PrometheusAgent specs (`scrapeInterval`).',
  check({ graph, report }) {
    const servers = [...graph.all('Prometheus'), ...graph.all('PrometheusAgent')];
    const scrapes: Scrape[] = [
      ...graph.scrapeEndpoints().map(endpointScrape),
      ...graph.all('Probe').map((probe) => objectScrape(probe, 'interval')),
    ];
    for (const server of servers) {
      const scrape = objectScrape(server, 'scrapeInterval');
      const interval = checkField(scrape, 'scrapeInterval', report);
      const timeout = checkField(scrape, 'scrapeTimeout', report);
      // The CRD fills in scrapeInterval: 30s when it is absent.
      const effective = interval.state === 'absent' ? defaultInterval() : interval;
      if (timeout.state === 'valid' && effective.state === 'valid' && timeout.ms > effective.ms)
        report({
          resource: server,
          pointer: '/spec/scrapeTimeout',
          message: `${scrape.what} has scrapeTimeout "${timeout.text}", longer than its scrapeInterval "${effective.text}"${interval.state === 'absent' ? ' (the default, as it sets none)' : ''}; Prometheus Operator refuses to configure it; set scrapeTimeout to at most ${effective.text}`,
        });
    }
    // An endpoint without an interval takes its Prometheus's; which one that is, only a single loaded Prometheus says.
    const onlyServer = servers.length === 1 ? servers[0]! : undefined;
    for (const scrape of scrapes) {
      const interval = checkField(scrape, scrape.intervalField, report);
      const timeout = checkField(scrape, 'scrapeTimeout', report);
      if (timeout.state !== 'valid') continue;
      const pointer = `${scrape.pointer}/scrapeTimeout`;
      if (interval.state === 'valid') {
        if (timeout.ms > interval.ms)
          report({
            resource: scrape.resource,
            pointer,
            message: `${scrape.what} has scrapeTimeout "${timeout.text}", longer than its ${scrape.intervalField} "${interval.text}"; ${scrape.rejected}; set scrapeTimeout to at most ${interval.text}`,
          });
        continue;
      }
      if (interval.state !== 'absent' || !onlyServer) continue;
      const serverInterval = durationOf(spec(onlyServer).scrapeInterval);
      const inherited = serverInterval.state === 'absent' ? defaultInterval() : serverInterval;
      if (inherited.state !== 'valid' || timeout.ms <= inherited.ms) continue;
      const server = `${onlyServer.kind} "${onlyServer.name}"`;
      const related: RelatedLocation[] = [
        {
          resource: onlyServer,
          pointer: serverInterval.state === 'absent' ? '/spec' : '/spec/scrapeInterval',
          message: `${server} scrapes every ${inherited.text}${serverInterval.state === 'absent' ? ' (the default)' : ''}`,
        },
      ];
      report({
        resource: scrape.resource,
        pointer,
        message: `${scrape.what} has scrapeTimeout "${timeout.text}" but no ${scrape.intervalField}, so it is scraped every ${inherited.text} (the scrapeInterval of ${server}${serverInterval.state === 'absent' ? ', by default' : ''}), less than the timeout; ${scrape.rejected}; set ${scrape.intervalField} to at least ${timeout.text} or scrapeTimeout to at most ${inherited.text}`,
        related,
      });
    }
  },
});

function endpointScrape(endpoint: MonitorEndpoint): Scrape {
  return {
    resource: endpoint.monitor,
    pointer: endpoint.pointer,
    fields: endpoint.spec,
    intervalField: endpoint.kind === 'ScrapeConfig' ? 'scrapeInterval' : 'interval',
    what: describeEndpoint(endpoint),
    rejected: `Prometheus Operator rejects the whole ${endpoint.kind}`,
  };
}

function objectScrape(resource: Resource, intervalField: Scrape['intervalField']): Scrape {
  return {
    resource,
    pointer: '/spec',
    fields: spec(resource),
    intervalField,
    what: `${resource.kind} "${resource.name}"`,
    rejected: `Prometheus Operator rejects the whole ${resource.kind}`,
  };
}

function defaultInterval(): Duration {
  return durationOf(DEFAULT_SCRAPE_INTERVAL);
}

/** Reads a duration field, reporting it when it is a string that is not a Prometheus duration. */
function checkField(scrape: Scrape, field: string, report: (report: Report) => void): Duration {
  const value = scrape.fields[field];
  const duration = durationOf(value);
  if (typeof value !== 'string' || duration.state !== 'unknown' || hasPlaceholder(value)) return duration;
  const parsed = parseDuration(value);
  if (parsed.ok) return duration;
  report({
    resource: scrape.resource,
    pointer: `${scrape.pointer}/${field}`,
    message: `${scrape.what} has ${field} ${JSON.stringify(value)}, which is not a Prometheus duration (${parsed.reason}) and which the API server (or, with older CRDs, Prometheus Operator) rejects; ${parsed.suggestion !== undefined ? `write "${parsed.suggestion}"` : `write ${DURATION_GRAMMAR}`}`,
  });
  return duration;
}

/** Absent (also an empty string, which the operator treats as unset), valid, or unknown (wrong type, placeholder, invalid). */
function durationOf(value: unknown): Duration {
  if (value === undefined || value === null || value === '') return { state: 'absent' };
  if (typeof value !== 'string') return { state: 'unknown' };
  const parsed = parseDuration(value);
  return parsed.ok ? { state: 'valid', text: value, ms: parsed.ms } : { state: 'unknown' };
}
