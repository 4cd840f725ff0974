// dist/kl.js: loads the CommonJS bundle dist/kl.cjs through V8's code cache
// (dist/kl.cache, written at build time by one representative run), which skips most
// of the parsing and compiling that dominate kl's start-up. Node 20 has no built-in
// module compile cache. A missing or rejected cache (another V8) only costs that time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('./kl.cjs', import.meta.url));
const cacheFile = fileURLToPath(new URL('./kl.cache', import.meta.url));
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
const script = new Script(source, { filename: bundle, cachedData: existsSync(cacheFile) ? readFileSync(cacheFile) : undefined });
if (process.env.KL_WRITE_CODE_CACHE === '1') {
  // After the run, so the functions it used are compiled into the cache too.
  process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
