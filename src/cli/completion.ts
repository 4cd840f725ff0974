/**
 * `kl completion bash|zsh|fish`: a completion script generated from the commander program
 * itself (its commands and their options), so it can never list an option kl lacks.
 * Options with a fixed set of values complete those values (OPTION_VALUES); options that
 * name a file, and the inputs P and Q, complete file names.
 */
import type { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { INPUT_FORMATS } from '../io/detect.js';
import { LAYOUTS } from '../io/types.js';
import { KINDS } from '../measures/prepare.js';
import { OUTPUT_FORMATS } from '../report/index.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Values an option takes from a fixed set, by long flag. */
const OPTION_VALUES: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['--format', OUTPUT_FORMATS],
  ['--kind', KINDS],
  ['--p-kind', KINDS],
  ['--q-kind', KINDS],
  ['--input-format', INPUT_FORMATS],
  ['--p-format', INPUT_FORMATS],
  ['--q-format', INPUT_FORMATS],
  ['--layout', LAYOUTS],
  ['--rows', ['all', 'worst', 'none']],
  ['--base', ['e', '2', '10']],
]);

/** Options whose value is a file name. */
const FILE_OPTIONS: ReadonlySet<string> = new Set(['--targets', '--report', '--output', '--junit']);

interface OptionShape {
  flags: string[];
  description: string;
  takesValue: boolean;
  values: readonly string[] | null;
  file: boolean;
}

interface CommandShape {
  name: string;
  summary: string;
  options: OptionShape[];
}

function optionShape(option: Option): OptionShape {
  const long = option.long ?? '';
  return {
    flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
    description: option.description,
    takesValue: option.required || option.optional,
    values: OPTION_VALUES.get(long) ?? null,
    file: FILE_OPTIONS.has(long),
  };
}

function shapes(program: Command): { commands: CommandShape[]; global: OptionShape[] } {
  const help: OptionShape = { flags: ['-h', '--help'], description: 'display help', takesValue: false, values: null, file: false };
  return {
    global: [...program.options.map(optionShape), help],
    commands: program.commands.map((command) => ({
      name: command.name(),
      summary: command.summary() || command.description(),
      options: [...command.options.map(optionShape), help],
    })),
  };
}

const quoteSingle = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function bash(program: Command): string {
  const { commands, global } = shapes(program);
  const all = commands.flatMap((command) => command.options);
  const valueCases = [...new Map(all.filter((option) => option.values).map((option) => [option.flags.join('|'), option.values as readonly string[]]))]
    .map(([flags, values]) => `    ${flags}) COMPREPLY=($(compgen -W ${quoteSingle(values.join(' '))} -- "$cur")); return ;;`)
    .join('\n');
  const fileFlags = [...new Set(all.filter((option) => option.file).flatMap((option) => option.flags))].join('|');
  const freeFlags = [...new Set(all.filter((option) => option.takesValue && !option.values && !option.file).flatMap((option) => option.flags))].join('|');
  const optionCases = commands
    .map((command) => `    ${command.name}) opts=${quoteSingle(command.options.flatMap((option) => option.flags).join(' '))} ;;`)
    .join('\n');
  return `# bash completion for kl (kl completion bash); generated from kl's own options.
_kl() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${quoteSingle([...commands.map((command) => command.name), ...global.flatMap((option) => option.flags)].join(' '))} -- "$cur"))
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  case "$prev" in
${valueCases}
    ${fileFlags}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${freeFlags}) COMPREPLY=(); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${optionCases}
      *) opts='' ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  # The inputs P and Q: file names (or - for stdin).
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _kl kl kl-divergence
`;
}

/** zsh's _arguments wants ':' and '[' ']' in descriptions escaped. */
const zshText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/'/g, `'\\''`).replace(/:/g, '\\:').replace(/\[/g, '\\[').replace(/\]/g, '\\]');

function zsh(program: Command): string {
  const { commands } = shapes(program);
  const spec = (option: OptionShape): string[] => {
    const action = option.values ? `:value:(${option.values.join(' ')})` : option.file ? ':file:_files' : option.takesValue ? ':value: ' : '';
    const exclusive = option.flags.length > 1 ? `(${option.flags.join(' ')})` : '';
    const names = option.flags.length > 1 ? `{${option.flags.join(',')}}` : (option.flags[0] as string);
    return [`${exclusive ? `'${exclusive}'` : ''}${names}'[${zshText(option.description)}]${action}'`];
  };
  const cases = commands
    .map((command) => `    (${command.name})\n      _arguments -s ${command.options.flatMap(spec).join(' ')} '*:input:_files' ;;`)
    .join('\n');
  return `#compdef kl kl-divergence
# zsh completion for kl (kl completion zsh); generated from kl's own options.
_kl() {
  local -a commands
  commands=(
${commands.map((command) => `    '${command.name}:${zshText(command.summary)}'`).join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local command=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $command in
${cases}
  esac
}
compdef _kl kl kl-divergence
`;
}

const fishText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

function fish(program: Command): string {
  const { commands } = shapes(program);
  const lines = ["# fish completion for kl (kl completion fish); generated from kl's own options."];
  for (const bin of ['kl', 'kl-divergence']) {
    lines.push(`complete -c ${bin} -f`);
    for (const command of commands) {
      lines.push(`complete -c ${bin} -n '__fish_use_subcommand' -a ${command.name} -d '${fishText(command.summary)}'`);
      // The inputs P and Q: file names.
      lines.push(`complete -c ${bin} -n '__fish_seen_subcommand_from ${command.name}' -F`);
      for (const option of command.options) {
        const names = option.flags.map((flag) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`)).join(' ');
        const value = option.values ? ` -x -a '${option.values.join(' ')}'` : option.file ? ' -r -F' : option.takesValue ? ' -x' : '';
        lines.push(`complete -c ${bin} -n '__fish_seen_subcommand_from ${command.name}' ${names}${value} -d '${fishText(option.description)}'`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: string, program: Command): string {
  switch (shell) {
    case 'bash':
      return bash(program);
    case 'zsh':
      return zsh(program);
    case 'fish':
      return fish(program);
    default:
      throw new UsageError('bad-shell', `completion ${JSON.stringify(shell)}: choose ${SHELLS.join(', ')}`);
  }
}
