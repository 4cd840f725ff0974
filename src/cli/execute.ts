/**
 * The computation and rendering of the commands with results of their own (kl drift, kl mi,
 * kl js of many, kl matrix, kl fit), loaded only when one of them runs: the build makes this
 * module, with the statistics library those commands need, a bundle of its own
 * (dist/execute.cjs), so that no other command's start-up pays for it.
 */
import type { DriftRequest } from '../compute/drift.js';
import { runDrift } from '../compute/drift.js';
import { runFit } from '../compute/fit.js';
import type { FitRequest } from '../compute/fit-request.js';
import type { MiRequest } from '../compute/mi.js';
import { runMi } from '../compute/mi.js';
import type { MultiRequest } from '../compute/multi.js';
import { runMulti } from '../compute/multi.js';
import { internalError } from '../errors.js';
import { DRIFT_FORMATTERS } from '../report/drift.js';
import { renderDriftHtml } from '../report/drift-html.js';
import { FIT_FORMATTERS, renderFitHtml } from '../report/fit.js';
import type { OutputFormat, Renderer } from '../report/index.js';
import { renderJunit } from '../report/junit.js';
import { MI_FORMATTERS } from '../report/mi.js';
import { MULTI_FORMATTERS } from '../report/multi.js';
import type { CheckResult, Warning } from '../result.js';
import { colorEnabled } from './color.js';
import { type CliIo, outputWidth, type RunContext, type RunOutput } from './run-support.js';

async function rendered<R extends { checks: CheckResult[]; warnings: Warning[]; command: string }>(
  result: R,
  formatters: Readonly<Partial<Record<OutputFormat, Renderer<R>>>>,
  format: OutputFormat,
  color: boolean | undefined,
  io: CliIo,
  { info, files }: RunContext,
): Promise<RunOutput> {
  if (files.junit) files.junit.write(renderJunit(result, info));
  const formatter = formatters[format];
  if (!formatter) throw internalError(`kl ${result.command} has no ${format} format`);
  const colored = colorEnabled(color, io.env, () => files.output === null && io.stdoutIsTTY());
  return {
    rendered: await formatter.render(result, colored, info, outputWidth(io, files.output !== null)),
    outcome: result,
    warningsOnStderr: !formatter.carriesWarnings,
  };
}

export async function executeDrift(
  request: DriftRequest,
  format: OutputFormat,
  color: boolean | undefined,
  io: CliIo,
  context: RunContext,
): Promise<RunOutput> {
  const result = await runDrift(request, io.stdin);
  // The files first: if one cannot be written, the run fails before printing anything.
  if (context.files.report) context.files.report.write(renderDriftHtml(result, context.info));
  return rendered(result, DRIFT_FORMATTERS, format, color, io, context);
}

export async function executeMi(request: MiRequest, format: OutputFormat, color: boolean | undefined, io: CliIo, context: RunContext): Promise<RunOutput> {
  return rendered(await runMi(request, io.stdin), MI_FORMATTERS, format, color, io, context);
}

export async function executeMulti(
  request: MultiRequest,
  format: OutputFormat,
  color: boolean | undefined,
  io: CliIo,
  context: RunContext,
): Promise<RunOutput> {
  return rendered(await runMulti(request, io.stdin), MULTI_FORMATTERS, format, color, io, context);
}

export async function executeFit(request: FitRequest, format: OutputFormat, color: boolean | undefined, io: CliIo, context: RunContext): Promise<RunOutput> {
  const result = await runFit(request, io.stdin);
  if (context.files.report) context.files.report.write(renderFitHtml(result, context.info));
  return rendered(result, FIT_FORMATTERS, format, color, io, context);
}
