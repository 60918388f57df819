// A parse-pool worker thread (see parse-pool.ts): parses the batches of files it is sent and answers each with plain
// data. Whatever goes wrong with a batch, the answer says so and the main thread parses that batch itself, so a
// worker can make a lint faster but never change a finding.

import { parentPort, workerData } from 'node:worker_threads';
import { type ParseOptions, parseText } from './parse.js';
import type { WorkerAnswer, WorkerBatch, WorkerSetup } from './parse-pool.js';

const setup = workerData as WorkerSetup;
const options: ParseOptions = setup.readKinds ? { readKinds: new Set(setup.readKinds) } : {};

parentPort!.on('message', ({ batch, files }: WorkerBatch) => {
  try {
    const parsed = files.map((file) => parseText(file.text, file.displayPath, options));
    // How deep a document may nest before the stack gives out differs between threads: the main thread decides, so
    // that the findings never depend on which thread parsed a file. This thread's stack is the smaller (parse-pool.ts).
    parentPort!.postMessage({ batch, parsed: parsed.some((text) => text.stackExhausted) ? null : parsed } satisfies WorkerAnswer);
  } catch {
    // A body too deep to clone, or a parser failure: the main thread parses these files and reports what it finds.
    parentPort!.postMessage({ batch, parsed: null } satisfies WorkerAnswer);
  }
});
