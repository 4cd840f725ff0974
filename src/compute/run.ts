/**
 * From a typed request to a result: read both inputs, then compute a pair or a batch.
 */
import { Readable } from 'node:stream';
import { readInput } from '../io/read.js';
import { type StdinProvider, isStdin, readAllBytes } from '../io/source.js';
import type { RawInput } from '../io/types.js';
import type { KlResult } from '../report/schema.js';
import { computePair, requireDistribution } from './pair.js';
import type { InputRequest, Request } from './request.js';

/**
 * When P and Q both come from stdin (Q omitted, --p-col/--q-col), stdin is read once and
 * replayed; otherwise it is streamed as is.
 */
async function stdinFor(request: Request, stdin: StdinProvider): Promise<StdinProvider> {
  if (!(request.q && isStdin(request.p.path) && isStdin(request.q.path))) return stdin;
  const bytes = await readAllBytes(stdin(), 'stdin');
  return () => Readable.from([bytes]);
}

async function read(input: InputRequest, request: Request, stdin: StdinProvider): Promise<RawInput> {
  const { input: raw } = await readInput(
    {
      path: input.path,
      displayName: input.displayName,
      ...(request.inputFormat === undefined ? {} : { format: request.inputFormat }),
      options: input.read,
      columnFlag: input.columnFlag,
    },
    stdin,
  );
  return raw;
}

export async function runRequest(request: Request, stdin: StdinProvider): Promise<KlResult> {
  const provider = await stdinFor(request, stdin);
  const [p, q] = await Promise.all([
    read(request.p, request, provider),
    request.q ? read(request.q, request, provider) : Promise.resolve(null),
  ]);
  requireDistribution(p);
  if (q) requireDistribution(q);
  return computePair(request, p, q);
}
