/**
 * The start-up floor of kl's own stack (issue 20): the least a `kl compare a.csv b.csv`
 * built on the design card's libraries can do. commander parses the command line,
 * csv-parse reads both files, a loop sums the forward KL, cli-table3 draws a two-row table
 * coloured by chalk. scripts/bench.mjs bundles it with esbuild and runs it through
 * dist/main.cjs with a code cache of its own, exactly as kl is run; kl's start-up can only
 * come near this, never under it.
 */
import { readFileSync } from 'node:fs';
import chalk from 'chalk';
import Table from 'cli-table3';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';

const lastColumn = (path) => parse(readFileSync(path, 'utf8'), { from_line: 2 }).map((record) => Number(record[record.length - 1]));

new Command('kl')
  .addCommand(
    new Command('compare')
      .argument('<P>')
      .argument('<Q>')
      .option('--format <format>', 'table', 'table')
      .option('--max <check>')
      .action((pPath, qPath) => {
        const p = lastColumn(pPath);
        const q = lastColumn(qPath);
        let divergence = 0;
        for (let i = 0; i < p.length; i++) if (p[i] > 0) divergence += p[i] * Math.log(p[i] / q[i]);
        const table = new Table({ head: ['measure', 'value'] });
        table.push(['kl_forward', chalk.bold(String(divergence))]);
        process.stdout.write(`P = ${pPath}\nQ = ${qPath}\n${table.toString()}\n`);
      }),
  )
  .parse(process.argv);
