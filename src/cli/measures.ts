/**
 * `kl measures`: every measure, statistic and check name, with its meaning and unit
 * (report/names.ts), so that nothing has to be learnt from an error's hint.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { colorEnabled } from './color.js';
import { type CliIo, outputWidth } from './run-support.js';

const FORMATS = ['table', 'markdown', 'json', 'csv'] as const;

export function measuresCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('measures')
    .copyInheritedSettings(program)
    .summary('list every measure, statistic and check name, with its meaning and unit')
    .addOption(new Option('-f, --format <format>', `output format: ${FORMATS.join('|')}`).default('table'))
    .option('--json', 'shorthand for --format json')
    .option('--color', 'colour the table even when stdout is not a terminal')
    .option('--no-color', 'never colour')
    .action(async (options: { format: string; json?: boolean; color?: boolean }) => {
      const format = options.json ? 'json' : options.format;
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new UsageError('bad-format', `--format ${JSON.stringify(format)}: kl measures prints ${FORMATS.join(', ')}`);
      }
      const { renderNames } = await import('./execute.js');
      const surface = await import('../report/surface.js');
      const paint = colorEnabled(options.color, io.env, io.stdoutIsTTY) ? new (await import('chalk')).Chalk({ level: 1 }) : surface.PLAIN;
      const rendered = renderNames(
        format as (typeof FORMATS)[number],
        format === 'markdown' ? surface.markdownSurface() : surface.terminalSurface(paint, outputWidth(io, false)),
      );
      for (const piece of typeof rendered === 'string' ? [rendered] : rendered) io.stdout.write(piece);
      setExitCode(0);
    });
}
