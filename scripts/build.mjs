#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild: one module graph to load instead of ~40 files,
// which is most of kl's start-up time. The CSV worker is a second entry beside it
// (dist/csv-worker.js, found relative to dist/kl.js). Type checking is tsc's job.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { kl: 'src/cli/main.ts', 'csv-worker': 'src/io/csv-worker.ts', 'batch-worker': 'src/compute/batch-worker.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: false,
  // CommonJS dependencies (cli-table3) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __klRequire } from 'node:module'; const require = __klRequire(import.meta.url);" },
  define: { KL_VERSION: JSON.stringify(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version) },
  logLevel: 'warning',
});
