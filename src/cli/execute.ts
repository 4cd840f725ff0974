/**
 * What the CLI bundle loads only when it is needed: the commands with results of their own
 * (kl drift, kl mi, kl fit: their request building and runs; kl js of many and kl matrix),
 * the measure commands' HTML report, kl measures' list and kl completion's scripts. The
 * build makes this module, with the statistics library those commands need, a bundle of its
 * own (dist/execute.cjs), so that no other command's start-up pays for it.
 */
import type { MultiRequest } from '../compute/multi.js';
import { runMulti } from '../compute/multi.js';
import type { OutputFormat } from '../report/index.js';
import { MULTI_FORMATTERS } from '../report/multi.js';
import { rendered } from './render-output.js';
import type { CliIo, RunContext, RunOutput } from './run-support.js';

export async function executeMulti(
  request: MultiRequest,
  format: OutputFormat,
  color: boolean | undefined,
  io: CliIo,
  context: RunContext,
): Promise<RunOutput> {
  return rendered(await runMulti(request, io.stdin), MULTI_FORMATTERS, format, color, io, context);
}

/** The measure commands' HTML report (--report): here, so that its code loads only when a report is written. */
export { renderHtml } from '../report/html.js';
/** `kl measures`: the list of names, loaded only when it is asked for. */
export { renderNames } from '../report/names.js';
/** `kl completion`: the scripts, made from the program's own commands and options. */
export { completionScript } from './completion.js';
/** The commands' request building and runs, loaded with their computation. */
export { runDriftCommand } from './drift-run.js';
export { runFitCommand } from './fit-run.js';
export { runMiCommand } from './mi-run.js';
