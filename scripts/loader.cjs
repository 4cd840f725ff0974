// dist/main.cjs: loads the CommonJS bundle dist/kl.cjs through V8's code cache
// (dist/kl.cache, written at build time by one representative run), which skips most
// of the parsing and compiling that dominate kl's start-up. Node 20 has no built-in
// module compile cache. A missing or rejected cache (another V8) only costs that time.
// CommonJS on purpose, like bin/kl.js: an ES module entry costs ~3 ms of ESM loader.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, 'kl.cjs');
const cacheFile = join(__dirname, 'kl.cache');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
const script = new Script(source, { filename: bundle, cachedData });
if (process.env.KL_WRITE_CODE_CACHE === '1') {
  // After the run, so the functions it used are compiled into the cache too.
  process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, require, bundleModule, bundle, __dirname);
