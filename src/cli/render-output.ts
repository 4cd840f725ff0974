/**
 * The last step of the commands with results of their own: the JUnit file, then the
 * result in the chosen format, colour and width decided here from flags, env and terminal.
 */
import { internalError } from '../errors.js';
import type { OutputFormat, Renderer } from '../report/index.js';
import { renderJunit } from '../report/junit.js';
import type { CheckResult, Warning } from '../result.js';
import { colorEnabled } from './color.js';
import { type CliIo, outputWidth, type RunContext, type RunOutput } from './run-support.js';

export async function rendered<R extends { checks: CheckResult[]; warnings: Warning[]; command: string }>(
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
