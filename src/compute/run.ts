/**
 * From a typed request to a result: read both inputs, then compute a pair or a batch.
 */
import { distributionAsBatch, readInput } from '../io/read.js';
import { isStdin, readAllBytes, type StdinProvider } from '../io/source.js';
import { readTargets } from '../io/targets.js';
import type { RawInput } from '../io/types.js';
import type { KlResult } from '../result.js';
import { type BatchOptions, computeBatch } from './batch.js';
import { explainBatchRow, explainPair } from './explanation.js';
import { computePair } from './pair.js';
import type { BatchInputs } from './pair-rows.js';
import { planParallel } from './parallel/plan.js';
import { type InputRequest, type Request, readRequestOf } from './request.js';
import { rowTags } from './row-tags.js';

/**
 * When P and Q both come from stdin (Q omitted, --p-col/--q-col), stdin is read once and
 * replayed; otherwise it is streamed as is.
 */
async function stdinFor(request: Request, stdin: StdinProvider): Promise<StdinProvider> {
  if (!(request.q && isStdin(request.p.path) && isStdin(request.q.path))) return stdin;
  const bytes = await readAllBytes(stdin(), 'stdin');
  const { Readable } = await import('node:stream');
  return () => Readable.from([bytes]);
}

async function read(input: InputRequest, stdin: StdinProvider): Promise<RawInput> {
  const { input: raw } = await readInput(readRequestOf(input), stdin);
  return raw;
}

/** The batch's row tags: targets and mask, read and combined (row-tags.ts); null without either. */
async function tagsOf(request: Request, stdin: StdinProvider): Promise<BatchInputs['targets']> {
  const targets = request.targets === null ? null : { iterator: await readTargets(request.targets, stdin), source: request.targets };
  const mask = request.mask === null ? null : { iterator: await readTargets(request.mask, stdin), source: request.mask };
  const iterator = rowTags(targets, mask, { nextToken: request.nextToken, ignoreIndex: request.ignoreIndex });
  if (iterator === null) return null;
  return { iterator, source: (targets ?? mask)?.source as string, flag: targets ? '--targets' : '--mask', ignored: 0 };
}

export async function runRequest(request: Request, stdin: StdinProvider, batchOptions: BatchOptions): Promise<KlResult> {
  const parallel = await planParallel(request);
  if (parallel) {
    try {
      return await computeBatch(request, { p: parallel.p, q: parallel.q, targets: null }, batchOptions, parallel.remote);
    } finally {
      await parallel.remote.close();
    }
  }
  const provider = await stdinFor(request, stdin);
  const [p, q] = await Promise.all([read(request.p, provider), request.q ? read(request.q, provider) : Promise.resolve(null)]);
  // Top-k lists are compared row by row over their partition (row-computer.ts): a single
  // list is a batch of one row.
  const topk = request.p.kind === 'topk-logprobs';
  if (p.shape === 'distribution' && (q === null || q.shape === 'distribution') && request.targets === null && request.mask === null && !topk) {
    return computePair(request, p, q);
  }
  // One distribution against a batch: a pair is a batch of one row, so this works when the
  // batch has one row, and otherwise fails with both row counts (computeRows).
  const targets = await tagsOf(request, provider);
  const wantsRow = request.contributions !== null && request.pairwise && q !== null;
  const batch = await computeBatch(
    request,
    {
      p: p.shape === 'batch' ? p : distributionAsBatch(p),
      q: q === null ? null : q.shape === 'batch' ? q : distributionAsBatch(q),
      targets,
    },
    { ...batchOptions, ...(wantsRow ? { keep: request.contributions?.row ?? 'worst' } : {}) },
  );
  if (request.view === 'explain') return explainBatchRow(request, batch);
  if (wantsRow && batch.kept && request.contributions) {
    batch.contributions = explainPair(batch.kept.p, batch.kept.q, batch.kept.labels, request.base, request.contributions.top, {
      index: batch.kept.index,
      reason: 'worst',
    });
  }
  return batch;
}
