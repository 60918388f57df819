// fedlint's benchmark: `npm run bench` (after `npm run build`).
//
// Generates a deterministic synthetic repository per size — federation setups
// (Service + Endpoints + ServiceMonitor, every tenth with a planted mistake)
// among the unrelated resources that make up most of a real repository
// (Deployments, ConfigMaps, ordinary Services) — and measures, each in a fresh
// process as a user would run it:
//   - fedlint over the whole repository: wall time, resources/s, peak RSS;
//   - the parse floor: reading the same files and composing them with `yaml`
//     in one process, which is the cost to beat;
//   - fedlint with --concurrency off: the same lint parsed on the main thread only;
//   - a cold run over one file (the pre-commit case), through the `fedlint` launcher as installed: a fresh
//     process each time, with V8's compile cache (bin/fedlint.cjs) as a second run finds it. Two files: one
//     with findings of graph rules only, and one with a Spectral rule's finding, which loads Spectral.
// Numbers, not assertions: the targets are checked and printed, never failed.
//
// Usage: node bench/run.mjs [--sizes 6000,60000,120000] [--runs 3] [--markdown]

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'fedlint.cjs');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const SIZES = option('sizes', '6000,60000,120000').split(',').map(Number);
const RUNS = Number(option('runs', '3'));
const RESOURCES_PER_FILE = 50;

// ------------------------------------------------------------ the repository

/** Deterministic pseudo-random numbers (mulberry32), so every run lints the same repository. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function federationSetup(id, namespace, mistake) {
  const name = `worker-${id}`;
  const portName = mistake === 'port' ? 'metrics' : 'web';
  return [
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  labels:\n    app: ${name}\nspec:\n  type: ExternalName\n  externalName: prometheus.${name}.example.internal\n  ports:\n    - name: web\n      port: 9090\n`,
    `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nsubsets:\n  - addresses:\n      - ip: 10.${id % 200}.${(id >> 8) % 250}.${(id % 250) + 1}\n    ports:\n      - name: ${portName}\n        port: 9090\n`,
    `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  selector:\n    matchLabels:\n      app: ${mistake === 'selector' ? `${name}-x` : name}\n  endpoints:\n    - port: web\n      path: /federate\n      honorLabels: ${mistake === 'honor' ? 'false' : 'true'}\n      params:\n        'match[]':\n          - '{job="node", cluster_id="${id}"}'\n          - '{__name__=~"job:.+"}'\n      relabelings:\n        - targetLabel: cluster\n          replacement: ${name}\n`,
  ];
}

function unrelated(id, namespace, pick) {
  const name = `app-${id}`;
  switch (Math.floor(pick * 3)) {
    case 0:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  labels: {app: ${name}, tier: backend}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}, tier: backend}\n    spec:\n      containers:\n        - name: app\n          image: registry.example/${name}:1.${id % 9}.0\n          ports:\n            - {name: http, containerPort: 8080}\n          env:\n            - {name: LOG_LEVEL, value: info}\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n`;
    case 1:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config\n  namespace: ${namespace}\ndata:\n  app.properties: |\n    server.port=8080\n    feature.flag.${id % 17}=true\n    cache.size=${id % 1000}\n  log.level: info\n`;
    default:
      return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  labels: {app: ${name}}\nspec:\n  selector: {app: ${name}}\n  ports:\n    - {name: http, port: 80, targetPort: 8080}\n`;
  }
}

/** Writes `resources` resources into a fresh folder; a quarter of them belong to federation setups. */
function generate(resources) {
  const dir = join(tmpdir(), `fedlint-bench-${resources}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const next = random(resources);
  const documents = [];
  let setups = 0;
  let planted = 0;
  while (documents.length < resources) {
    const namespace = `team-${Math.floor(next() * 40)}`;
    if (next() < 0.25 && documents.length + 3 <= resources) {
      const mistake = setups % 10 === 9 ? ['port', 'selector', 'honor'][planted++ % 3] : undefined;
      documents.push(...federationSetup(setups++, namespace, mistake));
    } else documents.push(unrelated(documents.length, namespace, next()));
  }
  let files = 0;
  let honorFile;
  for (let start = 0; start < documents.length; start += RESOURCES_PER_FILE) {
    const group = `group-${Math.floor(files / 100)}`;
    mkdirSync(join(dir, group), { recursive: true });
    const file = join(dir, group, `manifests-${files++}.yaml`);
    const text = documents.slice(start, start + RESOURCES_PER_FILE).join('---\n');
    writeFileSync(file, text);
    honorFile ??= text.includes('honorLabels: false') ? file : undefined;
  }
  // Two pre-commit cases: the first file (findings for graph rules only), and the first with a planted
  // `honorLabels: false`, a finding of a Spectral rule, which costs loading Spectral (~0.1 s).
  return { dir, files, setups, planted, firstFile: join(dir, 'group-0', 'manifests-0.yaml'), honorFile };
}

// ------------------------------------------------------------ measuring

// Printed by every measured process on exit: its peak resident set size, in KiB.
const PEAK_RSS = `process.on('exit', () => process.stderr.write('\\nmaxRSS=' + process.resourceUsage().maxRSS + '\\n'))`;

function measure(command, env = {}) {
  const times = [];
  let rss = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(PEAK_RSS)}`, ...command], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env: { ...process.env, ...env },
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (child.status !== 0 && child.status !== 1) throw new Error(`${command.join(' ')} exited ${child.status}: ${child.stderr}`);
    rss = Math.max(rss, Number(/maxRSS=(\d+)/.exec(child.stderr)?.[1] ?? 0) / 1024);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], rss };
}

const PARSE_FLOOR = `
import { readFileSync } from 'node:fs';
import { globSync } from 'glob';
import { parseAllDocuments, LineCounter } from 'yaml';
let documents = 0;
for (const file of globSync('**/*.yaml', { cwd: process.argv[1], absolute: true })) {
  documents += parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter: new LineCounter() }).length;
}
if (documents === 0) process.exit(3);
`;

const results = [];
for (const size of SIZES) {
  const repo = generate(size);
  // SARIF, as the GitHub Action writes it: the report with the most to compute (fixes, fingerprints, rule metadata).
  const report = ['--format', 'sarif', '--output', join(repo.dir, '..', `fedlint-bench-${size}.sarif`)];
  const lint = measure([CLI, ...report, repo.dir]);
  // The same lint with every file parsed on the main thread: what the worker threads add (src/load/parse-pool.ts).
  const oneThread = measure([CLI, ...report, '--concurrency', 'off', repo.dir]);
  const floor = measure(['--input-type=module', '--eval', PARSE_FLOOR.replace("'glob'", `'${join(ROOT, 'node_modules', 'glob', 'dist', 'esm', 'index.min.js')}'`).replace("'yaml'", `'${join(ROOT, 'node_modules', 'yaml', 'dist', 'index.js')}'`), repo.dir]);
  const single = measure([CLI, '--no-context', repo.firstFile]);
  const spectral = measure([CLI, '--no-context', repo.honorFile]);
  results.push({ size, repo, lint, oneThread, floor, single, spectral });
  process.stderr.write(`${size}: fedlint ${lint.seconds.toFixed(2)} s (one thread ${oneThread.seconds.toFixed(2)} s), parse floor ${floor.seconds.toFixed(2)} s, one file ${(single.seconds * 1000).toFixed(0)} / ${(spectral.seconds * 1000).toFixed(0)} ms\n`);
}

// ------------------------------------------------------------ report

const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; median of ${RUNS} runs each.`,
  '',
  '| resources | files | fedlint wall | resources/s | peak RSS | one thread (`--concurrency off`) | parse floor | fedlint ÷ floor | one file (cold) | one file with a Spectral finding |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(({ size, repo, lint, oneThread, floor, single, spectral }) =>
    [
      '',
      size.toLocaleString('en'),
      repo.files,
      `${lint.seconds.toFixed(2)} s`,
      Math.round(size / lint.seconds).toLocaleString('en'),
      `${lint.rss.toFixed(0)} MB`,
      `${oneThread.seconds.toFixed(2)} s, ${oneThread.rss.toFixed(0)} MB`,
      `${floor.seconds.toFixed(2)} s`,
      `${(lint.seconds / floor.seconds).toFixed(2)}×`,
      `${(single.seconds * 1000).toFixed(0)} ms`,
      `${(spectral.seconds * 1000).toFixed(0)} ms`,
      '',
    ].join(' | ').trim(),
  ),
  '',
];
const at = (size) => results.find((result) => result.size === size);
const targets = [];
if (at(60000)) targets.push(['full lint ≤ 1.5× the parse floor at 60k', at(60000).lint.seconds / at(60000).floor.seconds <= 1.5, `${(at(60000).lint.seconds / at(60000).floor.seconds).toFixed(2)}×`]);
if (at(60000) && at(120000)) targets.push(['120k ≤ 2.2× the 60k time (linear)', at(120000).lint.seconds <= 2.2 * at(60000).lint.seconds, `${(at(120000).lint.seconds / at(60000).lint.seconds).toFixed(2)}×`]);
if (at(120000)) targets.push(['peak RSS ≤ 600 MB at 120k', at(120000).lint.rss <= 600, `${at(120000).lint.rss.toFixed(0)} MB`]);
const slowestSingle = Math.max(...results.flatMap((result) => [result.single.seconds, result.spectral.seconds]));
targets.push(['one-file run ≤ 250 ms', slowestSingle <= 0.25, `${(slowestSingle * 1000).toFixed(0)} ms`]);
lines.push('| target | holds | measured |', '| --- | --- | --- |', ...targets.map(([name, holds, value]) => `| ${name} | ${holds ? 'yes' : '**no**'} | ${value} |`));
process.stdout.write(`${lines.join('\n')}\n`);
