// kustomize patch files look like whole objects but are fragments (a
// ServiceMonitor patch without its selector, a params-only endpoint list):
// linting them as objects gives false findings. The kustomization files that
// are loaded say which files are patches.

import { dirname, resolve } from 'node:path';
import { isObject } from './parse.js';
import type { Resource } from '../types.js';

/** Absolute paths of the files that loaded kustomizations use as patches. */
export function patchFiles(resources: Resource[]): Set<string> {
  const patches = new Set<string>();
  for (const kustomization of resources) {
    if (kustomization.kind !== 'Kustomization' || kustomization.file.path === '-') continue;
    const base = dirname(kustomization.file.path);
    const add = (path: unknown) => {
      if (typeof path === 'string' && path !== '') patches.add(resolve(base, path));
    };
    const { patches: entries, patchesStrategicMerge, patchesJson6902 } = kustomization.body;
    for (const list of [entries, patchesJson6902]) if (Array.isArray(list)) for (const entry of list) if (isObject(entry)) add(entry.path);
    if (Array.isArray(patchesStrategicMerge)) for (const entry of patchesStrategicMerge) add(entry);
  }
  return patches;
}

/** Strategic-merge-patch directives (`$patch: delete`, `$retainKeys`, …): only a patch carries them. */
export const PATCH_DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

/** Whether a value holds a strategic-merge-patch directive anywhere (bounded depth: bodies are attacker-shaped). */
export function hasPatchDirective(value: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  if (Array.isArray(value)) return value.some((item) => hasPatchDirective(item, depth + 1));
  if (!isObject(value)) return false;
  return Object.entries(value).some(([key, item]) => PATCH_DIRECTIVE.test(key) || hasPatchDirective(item, depth + 1));
}
