// Users' own Spectral rulesets (--ruleset FILE): YAML or JSON in the format
// Spectral users already write — `rules: {id: {given, then: {field, function,
// functionOptions}, severity, message, description}}` — with Spectral's core
// functions (truthy, pattern, schema, …). They run in the same single pass as
// fedlint's own Spectral rules, over the array of all resource bodies: a
// `given` starts at `$[*]` (every resource) or filters by kind,
// `$.[?(@.kind == 'Service')]`.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import { isObject } from '../load/parse.js';
import type { UserRule } from './spectral.js';
import { closestName } from '../lang/suggest.js';
import type { Level } from '../types.js';

const SEVERITIES: Record<string, Level> = { error: 'error', warn: 'warning', warning: 'warning', info: 'note', hint: 'note', '0': 'error', '1': 'warning', '2': 'note', '3': 'note' };
const SPECTRAL_SEVERITY: Record<Level, string> = { error: 'error', warning: 'warn', note: 'info' };

export async function loadRulesets(files: string[], cwd: string, reservedIds: Set<string>): Promise<UserRule[]> {
  if (files.length === 0) return [];
  const functions = (await import('@stoplight/spectral-functions')) as unknown as Record<string, unknown>;
  const names = Object.keys(functions).filter((name) => typeof functions[name] === 'function' && name !== 'default');
  const rules: UserRule[] = [];
  for (const file of files) {
    const fail = (where: string, what: string): never => {
      throw new UsageError(`ruleset ${file}: ${where}: ${what}`);
    };
    let document: unknown;
    try {
      document = parse(readFileSync(resolve(cwd, file), 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read ruleset ${file}: ${String((error as Error).message).split('\n')[0]}`);
    }
    if (!isObject(document) || !isObject(document.rules)) fail('rules', 'a ruleset needs a `rules` mapping of rule id to rule');
    const ruleset = document as Record<string, any>;
    for (const key of Object.keys(ruleset))
      if (key !== 'rules' && key !== 'description') fail(key, `not supported by fedlint rulesets (only rules and description; no extends, functions or overrides)`);
    for (const [id, raw] of Object.entries(ruleset.rules as Record<string, unknown>)) {
      const where = `rules.${id}`;
      if (reservedIds.has(id)) fail(where, 'a fedlint rule already has this id; choose another');
      if (!isObject(raw)) fail(where, 'a rule is a mapping with given and then');
      const rule = raw as Record<string, any>;
      const given = rule.given;
      if (!(typeof given === 'string' || (Array.isArray(given) && given.length > 0 && given.every((g) => typeof g === 'string'))))
        fail(`${where}.given`, 'a JSONPath string or a list of them, e.g. "$.[?(@.kind == \'Service\')].spec"');
      const thens = Array.isArray(rule.then) ? rule.then : [rule.then];
      const then = thens.map((entry: unknown, index: number) => {
        const at = Array.isArray(rule.then) ? `${where}.then[${index}]` : `${where}.then`;
        if (!isObject(entry)) return fail(at, 'a mapping with function (and optionally field and functionOptions)');
        const name = entry.function;
        if (typeof name !== 'string' || !names.includes(name)) {
          const hint = typeof name === 'string' ? closestName(name, names) : undefined;
          return fail(`${at}.function`, `unknown function ${JSON.stringify(name)}${hint ? `; did you mean "${hint}"?` : ''} (one of ${names.join(', ')})`);
        }
        return { ...entry, function: functions[name] };
      });
      const severity = rule.severity === undefined ? 'warn' : String(rule.severity);
      const level = SEVERITIES[severity];
      if (!level) fail(`${where}.severity`, `unknown severity "${severity}"; use error, warn, info or hint`);
      const description = typeof rule.description === 'string' ? rule.description : typeof rule.message === 'string' ? rule.message : id;
      rules.push({
        id,
        level: level!,
        summary: description.split('\n')[0]!.replace(/\.$/, ''),
        help: typeof rule.description === 'string' ? rule.description : `A rule of the user's ruleset ${file}.`,
        definition: {
          given,
          severity: SPECTRAL_SEVERITY[level!],
          message: typeof rule.message === 'string' ? rule.message : '{{error}}',
          then: Array.isArray(rule.then) ? then : then[0],
        },
      });
    }
  }
  return rules;
}
