/**
 * `kl fit` in every format it offers: the fitted parameters of each direction side by side,
 * both divergences of each fit, how the optimiser ended, and the plot (table, markdown);
 * every number (json); a line per fit (csv); and the HTML report. Pure.
 */
import { plural } from '../display.js';
import type { FitEntry, FitResult, RunInfo } from '../result.js';
import { svgPlot, terminalPlot } from './fit-plot.js';
import { escapeHtml, htmlPage } from './html.js';
import { type FIT_FORMATS, humanRenderers, type Renderer } from './index.js';
import { type JsonFitReport, type JsonNumber, provenance, SCHEMA_VERSION } from './schema.js';
import { renderWarnings, type TableOptions } from './surface.js';
import { humanNumber, jsonNumber, machineNumber } from './wording.js';

const MINIMISES = { forward: 'D(P‖Q)', reverse: 'D(Q‖P)' } as const;

function describeInput(result: FitResult): string {
  const { input } = result;
  if (input.form === 'samples') {
    const bandwidth = input.bandwidth as { rule: string; value: number };
    const rule = bandwidth.rule === 'given' ? 'given' : `${bandwidth.rule === 'scott' ? "Scott's" : "Silverman's"} rule`;
    return (
      `${plural(input.samples as number, 'sample')}${input.missing ? ` (${input.missing} missing left out)` : ''} as a Gaussian KDE: ` +
      `bandwidth ${humanNumber(bandwidth.value)} (${rule}), ${input.points} points`
    );
  }
  const what =
    input.values === 'probability'
      ? `probabilities (Σ = ${humanNumber(input.total)})`
      : input.values === 'density'
        ? `a density (∫ over the cells = ${humanNumber(input.total)}, normalised to 1)`
        : `counts (N = ${humanNumber(input.total)}, divided by N)`;
  return `${input.points} grid points of ${what}`;
}

function convergence(fit: FitEntry): string {
  return `${fit.converged ? 'converged' : 'NOT converged'}: ${plural(fit.iterations, 'iteration')}, max |∇| ${fit.gradientNorm.toExponential(1)}, reached from ${fit.agreeing} of ${plural(fit.starts, 'start')}`;
}

function document(result: FitResult, options: TableOptions): Iterable<string> {
  const { paint } = options;
  const head = ['', ...result.fits.map((fit) => `${fit.direction} fit: min ${MINIMISES[fit.direction]}`)];
  const table = options.table(head, ['left', ...result.fits.map(() => 'right' as const)]);
  const names = (result.fits[0] as FitEntry).parameters.map((parameter) => parameter.name);
  names.forEach((name, i) => {
    table.push([name, ...result.fits.map((fit) => humanNumber((fit.parameters[i] as { value: number }).value))]);
  });
  table.push([`D(P‖Q) (${result.unit})`, ...result.fits.map((fit) => humanNumber(fit.klForward))]);
  table.push([`D(Q‖P) (${result.unit})`, ...result.fits.map((fit) => humanNumber(fit.klReverse))]);
  const notes = result.fits.map((fit) => paint.dim(`${fit.direction}: ${convergence(fit)}`));
  const closedForm =
    result.family === 'gaussian' && result.fits.some((fit) => fit.direction === 'forward')
      ? [
          paint.dim(
            `forward closed form (moment matching): mean ${humanNumber(result.moments.mean)}, sd ${humanNumber(result.moments.sd)}\n` +
              '(the fit on the grid differs as far as the grid cuts the Gaussian’s tails)',
          ),
        ]
      : [];
  const df = result.family === 'student-t' ? result.fits.filter((fit) => ((fit.parameters[2] as { value: number }).value as number) > 1e6) : [];
  return options.join([
    paint.bold(`P = ${options.text(result.source, 80)}`),
    paint.dim(`${describeInput(result)}\nfamily ${result.family}; Q = a member of the family, taken on P's grid`),
    table.lines(),
    [...notes, ...closedForm, ...df.map((fit) => paint.dim(`${fit.direction}: df → ∞, the t fit is a Gaussian`))].join('\n'),
    options.preformatted(terminalPlot(result, paint)),
    paint.dim(
      "forward, min D(P‖Q): Q spreads over all of P's mass (mass-covering)\n" + 'reverse, min D(Q‖P): Q keeps away from where P is small (mode-seeking)',
    ),
    ...renderWarnings(result, options),
  ]);
}

function parametersOf(fit: FitEntry): Record<string, JsonNumber> {
  return Object.fromEntries(fit.parameters.map((parameter) => [parameter.name, jsonNumber(parameter.value)]));
}

function json(result: FitResult, info?: RunInfo): string {
  const report: JsonFitReport = {
    schema_version: SCHEMA_VERSION,
    ...provenance(info),
    command: 'fit',
    unit: result.unit,
    base: result.base,
    input: { source: result.source, format: result.format, ...result.input },
    family: result.family,
    moments: { mean: result.moments.mean, sd: result.moments.sd },
    fits: result.fits.map((fit) => ({
      direction: fit.direction,
      minimises: MINIMISES[fit.direction],
      parameters: parametersOf(fit),
      kl_forward: jsonNumber(fit.klForward),
      kl_reverse: jsonNumber(fit.klReverse),
      converged: fit.converged,
      iterations: fit.iterations,
      evaluations: fit.evaluations,
      gradient_norm: fit.gradientNorm,
      starts: fit.starts,
      agreeing: fit.agreeing,
      q: Array.from(fit.q),
    })),
    grid: { x: Array.from(result.grid.x), p: Array.from(result.grid.p) },
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function csv(result: FitResult): string {
  const names = (result.fits[0] as FitEntry).parameters.map((parameter) => parameter.name);
  const header = ['direction', ...names, 'kl_forward', 'kl_reverse', 'converged', 'iterations', 'gradient_norm'];
  const lines = result.fits.map((fit) =>
    [
      fit.direction,
      ...fit.parameters.map((parameter) => machineNumber(parameter.value)),
      machineNumber(fit.klForward),
      machineNumber(fit.klReverse),
      String(fit.converged),
      String(fit.iterations),
      machineNumber(fit.gradientNorm),
    ].join(','),
  );
  return `${header.join(',')}\n${lines.join('\n')}\n`;
}

/** One renderer per format `kl fit` offers. */
export const FIT_FORMATTERS: Readonly<Record<(typeof FIT_FORMATS)[number], Renderer<FitResult>>> = {
  ...humanRenderers(document),
  json: { carriesWarnings: true, render: (result, _color, info) => json(result, info) },
  csv: { carriesWarnings: false, render: (result) => csv(result) },
};

/** `--report FILE.html`: the plot as SVG, the parameters and divergences, how to read them. */
export function renderFitHtml(result: FitResult, info?: RunInfo): string {
  const head = result.fits.map((fit) => `<th>${fit.direction} fit: min ${escapeHtml(MINIMISES[fit.direction])}</th>`).join('');
  const names = (result.fits[0] as FitEntry).parameters.map((parameter) => parameter.name);
  const row = (label: string, values: string[]) => `<tr><td>${escapeHtml(label)}</td>${values.map((value) => `<td class="num">${value}</td>`).join('')}</tr>`;
  const rows = [
    ...names.map((name, i) =>
      row(
        name,
        result.fits.map((fit) => humanNumber((fit.parameters[i] as { value: number }).value)),
      ),
    ),
    row(
      `D(P‖Q) (${result.unit})`,
      result.fits.map((fit) => humanNumber(fit.klForward)),
    ),
    row(
      `D(Q‖P) (${result.unit})`,
      result.fits.map((fit) => humanNumber(fit.klReverse)),
    ),
    row(
      'optimiser',
      result.fits.map((fit) => escapeHtml(convergence(fit))),
    ),
  ];
  const sections = [
    `<p>P = <code>${escapeHtml(result.source)}</code>: ${escapeHtml(describeInput(result))}. Family: ${escapeHtml(result.family)}.</p>`,
    svgPlot(result),
    `<table><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    '<p><strong>Forward</strong>, min D(P‖Q): Q must put mass wherever P has it, so it spreads over all of P (mass-covering). ' +
      '<strong>Reverse</strong>, min D(Q‖P): Q is penalised for mass where P has little, so it settles on a mode (mode-seeking).</p>',
  ];
  return htmlPage({
    title: 'kl fit report',
    commandLine: info?.commandLine ?? result.commandLine,
    info,
    body: sections,
    warnings: result.warnings,
    extraStyle: '.grid{stroke:#eef1f5}.p-area{fill:#2f6fdb;fill-opacity:.25;stroke:#2f6fdb;stroke-width:1}',
  });
}
