import { defineRule } from '../src/check/rule.js';
import { type FieldRole, type Placeholder, fieldPath, findPlaceholders, mayHoldPlaceholder, scanValues } from '../src/lang/placeholders.js';

/** What belongs where the placeholder stands, for the "replace it with …" part of a message. */
const WHAT_BELONGS: Record<FieldRole, string> = {
  dns: 'a DNS name',
  ip: 'an IP address',
  target: 'the target\'s host:port',
  name: 'the real name',
  identity: 'the source cluster\'s name',
  other: 'the real value',
};

/** What a bare ALL_CAPS token stands for: in a target it is the host part only. */
const CAPS_BELONGS: Record<FieldRole, string> = { ...WHAT_BELONGS, target: 'a host name or IP address' };

export default defineRule({
  id: 'placeholder-value',
  level: 'error',
  perResource: true,
  summary: 'No template placeholder is left in a value (`<WORKER_IP>`, `{{ .Values.x }}`, `CHANGEME`, a bare `CLUSTER_NAME`); `${VAR}` is a note',
  help:
    'Guides and chart templates write placeholders such as `<WORKER_CLUSTER_IP>`, `{{ .Values.host }}`, `CHANGEME`, ' +
    '`REPLACE_ME`, `TODO` or `xxx.xxx.xxx.xxx` where a real value belongs. Applied as written, the API server rejects ' +
    'the object or stores a name that resolves to nothing, and the federation scrape finds no target. fedlint looks ' +
    'at every value of the kinds it reads (Services, Endpoints, EndpointSlices, monitors, ScrapeConfigs, Prometheus) ' +
    'except annotations, and also reports a bare ALL_CAPS token such as `CLUSTER_NAME` in a field that must hold a DNS ' +
    'name, an IP address, a scrape target, an object name or the cluster label\'s value (ALL_CAPS is fine elsewhere: ' +
    '`TCP`, `ClusterIP`). Replace the placeholder with the real value; for a Helm chart, lint the rendered output ' +
    '(`helm template … | fedlint -`).\n\n' +
    '`${VAR}` and `$VAR` are Flux postBuild substitutions or envsubst variables, which repositories use on purpose: ' +
    'they are reported as notes, so that you can check each is defined where the manifest is deployed (the level ' +
    'is the `substitutionLevel` setting; `off` reports none). The capture groups of a relabeling\'s regex (`$1`, ' +
    '`${1}`, `${name}`) in its replacement are not placeholders, nor are `$$VAR` escapes and `$(VAR)` expansions.',
  check({ graph, settings, report }) {
    for (const resource of graph.resources) {
      // Only the values findPlaceholders can find something in: the rest are never given a pointer or a role.
      for (const scanned of scanValues(resource, settings.clusterLabel, mayHoldPlaceholder)) {
        for (const placeholder of findPlaceholders(scanned.value, scanned.role, scanned.options)) {
          const substitution = placeholder.kind === 'substitution';
          if (substitution && settings.substitutionLevel === 'off') continue;
          report({
            resource,
            pointer: scanned.pointer,
            span: { start: placeholder.start, end: placeholder.end },
            message: message(`${resource.kind} "${resource.name}"`, fieldPath(scanned.pointer), scanned.value, scanned.role, placeholder),
            ...(substitution && settings.substitutionLevel !== 'off' ? { level: settings.substitutionLevel } : {}),
          });
        }
      }
    }
  },
});

function message(what: string, field: string, value: string, role: FieldRole, placeholder: Placeholder): string {
  const text = JSON.stringify(placeholder.text);
  const whole = placeholder.text === value;
  switch (placeholder.kind) {
    case 'template':
      return `${what} ${field} holds the template expression ${text}, which only helm (or the template engine that owns it) fills in; lint the rendered manifests (helm template … | fedlint -) or write ${WHAT_BELONGS[role]}`;
    case 'substitution':
      return `${what} ${field} uses the variable ${text}, which Flux postBuild substitution or envsubst must replace before the manifest is applied; make sure it is defined wherever this is deployed (fedlint checks the value only once it is substituted)`;
    case 'caps':
      return `${what} ${field} ${whole ? 'is' : 'contains'} ${text}, an ALL_CAPS token where ${CAPS_BELONGS[role]} belongs: a placeholder left from a template or guide; replace it with ${CAPS_BELONGS[role]}`;
    default:
      return `${what} ${field} ${whole ? 'is' : 'contains'} the placeholder ${text}, left from a template or guide; replace it with ${WHAT_BELONGS[role]}`;
  }
}
