/**
 * From a typed request to a result: read both inputs, then compute a pair or a batch.
 */
import { InputError, UsageError } from '../errors.js';
import { formatFromExtension } from '../io/detect.js';
import { readNpyHeaderFromFile } from '../io/npy.js';
import { npzPartOf } from '../io/npz-path.js';
import { distributionAsBatch, firstDataLine, readInput, readInputPart } from '../io/read.js';
import {
  assertSplittable,
  dataStartOf,
  emptyShardError,
  type InputPart,
  npyRows,
  npyShard,
  type RowWindow,
  type ShardSpec,
  textPartFor,
  textShard,
} from '../io/shard.js';
import { isGzipFile, isStdin, readAllBytes, readsByOffset, type StdinProvider } from '../io/source.js';
import { readTargets, type Target } from '../io/targets.js';
import type { RawInput } from '../io/types.js';
import type { KlResult } from '../result.js';
import { type BatchOptions, computeBatch } from './batch.js';
import { explainBatchRow, explainPair } from './explanation.js';
import { computePair } from './pair.js';
import type { BatchInputs } from './pair-rows.js';
import { type ParallelPlan, planParallel, planShardedCsv, type ShardParts } from './parallel/plan.js';
import { type InputRequest, type Request, readRequestOf, withImpliedKind } from './request.js';
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

/** The targets (or mask) tags of a shard's rows: the ones before it skipped, then at most its rows. */
async function* windowed(tags: AsyncIterator<Target>, window: RowWindow, flag: string, source: string): AsyncGenerator<Target> {
  try {
    for (let row = 0; row < window.firstRow; row++) {
      if ((await tags.next()).done) {
        throw new InputError('row-count-mismatch', `${flag} ends after ${row} rows, before this shard's first row (${window.firstRow})`, {
          location: { source },
        });
      }
    }
    for (let row = 0; window.rows === null || row < window.rows; row++) {
      const next = await tags.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await tags.return?.(undefined);
  }
}

/** Where P's rows of shard I/N are, and Q's same rows. */
async function shardPartsOf(request: Request & { shard: ShardSpec }, stdin: StdinProvider): Promise<ShardParts> {
  const { shard } = request;
  const formatOf = async (input: InputRequest) => {
    if (npzPartOf(input.path)) {
      throw new InputError('shard-unsplittable', 'is an array in an .npz archive: it has no row offsets for --shard', {
        location: { source: input.displayName },
        hint: 'save the array as .npy first (np.save), which --shard splits',
      });
    }
    if (isGzipFile(input.path)) {
      throw new InputError('shard-unsplittable', 'is gzip-compressed: a compressed file has no row offsets for --shard', {
        location: { source: input.displayName },
        hint: 'decompress it first (gunzip -k), or shard before compressing',
      });
    }
    const known = input.format ?? formatFromExtension(input.path);
    return known === 'npy' ? { format: known, line: null } : await firstDataLine(readRequestOf(input, known), stdin);
  };
  /** Where a text input's first data row starts; an input without rows is refused. */
  const dataStart = (input: InputRequest, line: number | null) => {
    if (line === null) throw new InputError('empty-input', 'has no rows', { location: { source: input.displayName } });
    return dataStartOf(input.path, input.displayName, line);
  };
  const pInfo = await formatOf(request.p);
  assertSplittable(pInfo.format, request.p.displayName);
  const pShard: { window: RowWindow; part: InputPart } =
    pInfo.format === 'npy'
      ? npyShard(await npyRows(request.p.path, request.p.displayName), shard)
      : textShard(request.p.path, request.p.displayName, pInfo.format, dataStart(request.p, pInfo.line), shard);
  const { window } = pShard;
  const empty = pShard.part.type === 'npy' ? pShard.part.startRow === pShard.part.endRow : pShard.part.start === pShard.part.end;
  if (empty) throw emptyShardError(shard, request.p.displayName);
  let qPart: InputPart | null = null;
  if (request.q) {
    const q = request.q;
    const qInfo = await formatOf(q);
    assertSplittable(qInfo.format, q.displayName);
    if (qInfo.format === 'npy') {
      const rows = await npyRows(q.path, q.displayName);
      const end = window.rows === null ? rows : Math.min(rows, window.firstRow + window.rows);
      qPart = { type: 'npy', startRow: Math.min(rows, window.firstRow), endRow: end };
    } else qPart = textPartFor(q.path, q.displayName, qInfo.format, dataStart(q, qInfo.line), window);
  }
  return { window, p: pShard.part, q: qPart };
}

/** A batch computed on worker threads (a ParallelPlan), the workers stopped however it ends. */
async function computeOnWorkers(request: Request, plan: ParallelPlan, options: BatchOptions): Promise<KlResult> {
  try {
    return await computeBatch(request, { p: plan.p, q: plan.q, targets: null }, options, plan.remote);
  } finally {
    await plan.remote.close();
  }
}

/** A --shard run: the shard's rows of every input, computed as a batch whose rows keep their indices. */
async function runShard(request: Request & { shard: ShardSpec }, stdin: StdinProvider, batchOptions: BatchOptions): Promise<KlResult> {
  // Two big numeric CSV/TSV files: the workers start while the shard's rows are found.
  const span = { index: request.shard.index, count: request.shard.count, firstRow: 0 };
  const csv = await planShardedCsv(request, (firstRow) => {
    span.firstRow = firstRow;
  });
  if (csv) return computeOnWorkers(request, csv, { ...batchOptions, shard: span });
  const parts = await shardPartsOf(request, stdin);
  span.firstRow = parts.window.firstRow;
  const options = { ...batchOptions, shard: span };
  const parallel = await planParallel(request, parts);
  if (parallel) return computeOnWorkers(request, parallel, options);
  // The parts know their formats (shardPartsOf settled them): nothing is sniffed again.
  const p = await readInputPart(readRequestOf(request.p), parts.p);
  const q = request.q && parts.q ? await readInputPart(readRequestOf(request.q), parts.q) : null;
  const tags = await tagsOf(request, stdin);
  const targets = tags && { ...tags, iterator: windowed(tags.iterator, parts.window, tags.flag, tags.source) };
  return computeBatch(request, { p, q, targets }, options);
}

/**
 * How many rows a batch will have, when its input says so without being read (a plain
 * .npy file of P, every row measured); null otherwise. For the progress line.
 */
export async function knownRowCount(request: Request): Promise<number | null> {
  const path = request.p.path;
  if (request.shard || request.targets !== null || request.mask !== null || !readsByOffset(path)) return null;
  if ((request.p.format ?? formatFromExtension(path)) !== 'npy') return null;
  try {
    const header = await readNpyHeaderFromFile(path, request.p.displayName);
    return header.shape.length >= 2 ? header.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
  } catch {
    return null;
  }
}

export async function runRequest(request: Request, stdin: StdinProvider, batchOptions: BatchOptions): Promise<KlResult> {
  if (request.shard) return runShard({ ...request, shard: request.shard }, stdin, batchOptions);
  const parallel = await planParallel(request);
  if (parallel) return computeOnWorkers(request, parallel, batchOptions);
  const provider = await stdinFor(request, stdin);
  const [p, q] = await Promise.all([read(request.p, provider), request.q ? read(request.q, provider) : Promise.resolve(null)]);
  // A format may say what its values are (uniq -c: counts), when --kind does not.
  request = { ...request, p: withImpliedKind(request.p, p.format), q: request.q && q ? withImpliedKind(request.q, q.format) : request.q };
  // Top-k lists are compared row by row over their partition (row-computer.ts): a single
  // list is a batch of one row.
  const topk = request.p.kind === 'topk-logprobs';
  // --save-summary: a pair is summarised as a batch of one row, which merges.
  if (p.shape === 'distribution' && (q === null || q.shape === 'distribution') && request.targets === null && request.mask === null && !topk) {
    if (batchOptions.onSummary) {
      throw new UsageError('shard-unsupported', '--save-summary: P and Q are single distributions, not batches of rows: there is nothing to merge', {
        hint: 'summaries and kl merge are for batches (rows of distributions), usually with --shard I/N',
      });
    }
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
