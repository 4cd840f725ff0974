#!/usr/bin/env node
// Builds dist/ with esbuild:
// - dist/kl.cjs: the whole CLI in one CommonJS file (one module to load instead of ~40);
// - dist/main.cjs: a small loader that runs it through V8's code cache, dist/kl.cache,
//   produced here by one representative run (scripts/loader.cjs says why);
// - dist/execute.cjs: kl drift, kl mi, kl js of many, kl matrix and kl fit (with the statistics library
//   they need), loaded only when one of them runs: no other command's start-up pays for it;
// - dist/npz.cjs: the .npz reader (yauzl), loaded only to read an .npz archive;
// - dist/parse-worker.js, dist/batch-worker.js: the worker threads (ESM);
// - dist/index.js and dist/types/: the library (ESM) and its declarations (tsc);
// - dist/THIRD-PARTY-NOTICES.md: the licences of the packages bundled into these files.
// Type checking is tsc's job (npm run typecheck).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildWat } from './wat.mjs';

const root = new URL('../', import.meta.url);
const version = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version;
rmSync(new URL('dist', root), { recursive: true, force: true });
mkdirSync(new URL('dist', root));
/**
 * Stand-ins for two modules that dependencies require, each only when the named
 * dependency asks (the stand-in itself still gets the real module):
 * - commander requires child_process at load time, for executable subcommands that kl
 *   never uses; loading it (with net and dgram behind it) costs ~2 ms of every run, so
 *   commander gets a proxy that loads the real module on first use;
 * - cli-table3 measures cells with string-width; src/report/string-width.ts gives the same
 *   widths with a fast path for plain ASCII (~2.5 ms of every table).
 */
const SUBSTITUTES = [
  {
    module: 'node:child_process',
    importer: /[\\/]node_modules[\\/]commander[\\/]/,
    contents: "let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });",
  },
  {
    module: 'string-width',
    importer: /[\\/]node_modules[\\/]cli-table3[\\/]/,
    contents: `module.exports = require(${JSON.stringify(fileURLToPath(new URL('src/report/string-width.ts', root)))}).stringWidth;`,
  },
];
const substitutes = {
  name: 'substitutes',
  setup(build) {
    build.onResolve({ filter: /^(node:child_process|string-width)$/ }, (args) => {
      const index = SUBSTITUTES.findIndex((entry) => entry.module === args.path && entry.importer.test(args.importer));
      return index < 0 ? undefined : { path: String(index), namespace: 'substitute' };
    });
    build.onLoad({ filter: /.*/, namespace: 'substitute' }, (args) => ({
      contents: SUBSTITUTES[Number(args.path)].contents,
      loader: 'js',
      resolveDir: fileURLToPath(root),
    }));
  },
};
/** In the CLI bundle, cli/execute (kl drift, kl mi, kl js of many, kl matrix, kl fit) is the separate dist/execute.cjs, required when one of them runs. */
const executeApart = {
  name: 'execute-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/execute\.js$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]/.test(args.importer) ? { path: './execute.cjs', external: true } : undefined,
    );
  },
};
/** In the CommonJS bundles, io/npz (yauzl) is the separate dist/npz.cjs, required only to read an .npz. */
const npzApart = {
  name: 'npz-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/npz\.js$/ }, (args) => (/[\\/]src[\\/]io[\\/]/.test(args.importer) ? { path: './npz.cjs', external: true } : undefined));
  },
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  define: { KL_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
};
const bundled = [];
await build({
  ...common,
  metafile: true,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/kl.cjs',
  format: 'cjs',
  plugins: [substitutes, executeApart, npzApart, esbuildWat],
  // import() of built-in modules (loaded lazily) becomes require(): vm.Script, which runs
  // the cached bundle, has no dynamic-import hook.
  supported: { 'dynamic-import': false },
  // Workers are found next to the bundle: import.meta.url stands for this file's URL.
  define: { ...common.define, 'import.meta.url': '__klUrl' },
  banner: { js: "var __klUrl = require('node:url').pathToFileURL(__filename).href;" },
}).then((result) => bundled.push(result.metafile));
await build({
  ...common,
  metafile: true,
  entryPoints: ['src/cli/execute.ts'],
  outfile: 'dist/execute.cjs',
  plugins: [substitutes, npzApart, esbuildWat],
  // Like the CLI bundle: import.meta.url stands for this file's URL.
  define: { ...common.define, 'import.meta.url': '__klUrl' },
  banner: { js: "var __klUrl = require('node:url').pathToFileURL(__filename).href;" },
  format: 'cjs',
}).then((result) => bundled.push(result.metafile));
await build({
  ...common,
  metafile: true,
  entryPoints: ['src/io/npz.ts'],
  outfile: 'dist/npz.cjs',
  format: 'cjs',
}).then((result) => bundled.push(result.metafile));
await build({
  ...common,
  metafile: true,
  entryPoints: {
    'parse-worker': 'src/compute/parallel/parse-worker.ts',
    'batch-worker': 'src/compute/parallel/batch-worker.ts',
    index: 'src/index.ts',
  },
  outdir: 'dist',
  format: 'esm',
  plugins: [esbuildWat],
  // CommonJS dependencies call require(); give the ESM workers one.
  banner: { js: "import { createRequire as __klRequire } from 'node:module'; const require = __klRequire(import.meta.url);" },
}).then((result) => bundled.push(result.metafile));

// The library's declarations: dist/types/index.d.ts and the modules it refers to.
const types = spawnSync(process.execPath, [fileURLToPath(new URL('node_modules/typescript/bin/tsc', root)), '-p', 'tsconfig.types.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (types.status !== 0) throw new Error(`tsc -p tsconfig.types.json failed (exit ${types.status})`);

// Every package whose code is in dist/, with its licence text: the files we ship carry it.
const packages = new Set();
for (const metafile of bundled) {
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
}
const notices = ['# Third-party notices', '', 'dist/ bundles the following packages; their licences follow.', ''];
for (const name of [...packages].sort()) {
  const directory = new URL(`node_modules/${name}/`, root);
  const manifest = JSON.parse(readFileSync(new URL('package.json', directory), 'utf8'));
  const licenceFile = readdirSync(directory).find((file) => /^(licen[cs]e|copying)([-.]|$)/i.test(file));
  if (!licenceFile) throw new Error(`${name} ships no licence file: check its licence before bundling it`);
  notices.push(`## ${name} ${manifest.version} (${manifest.license})`, '', '```', readFileSync(new URL(licenceFile, directory), 'utf8').trim(), '```', '');
}
writeFileSync(new URL('dist/THIRD-PARTY-NOTICES.md', root), `${notices.join('\n')}`);
copyFileSync(new URL('scripts/loader.cjs', root), new URL('dist/main.cjs', root));
const warm = spawnSync(process.execPath, ['dist/main.cjs', 'compare', 'fixtures/p.csv', 'fixtures/q.csv'], {
  cwd: root,
  env: { ...process.env, KL_WRITE_CODE_CACHE: '1', NO_COLOR: '1' },
  stdio: 'ignore',
});
if (warm.status !== 0) throw new Error(`the warm-up run for the code cache failed (exit ${warm.status})`);
