/**
 * WebAssembly text (the .wat files under src/) to its binary, for the two tool chains that read src/:
 * esbuild (scripts/build.mjs) and Vite (vitest.config.ts). A `.wat` import becomes a module
 * whose default export returns the binary as a Uint8Array (the same one on every call); the
 * binary is never a file of the repo.
 */
import { readFileSync } from 'node:fs';
import wabt from 'wabt';

let toolkit;

/** The binary of the .wat file at `path`, as JavaScript module text. */
export async function watModule(path) {
  toolkit ??= await wabt();
  let parsed;
  try {
    parsed = toolkit.parseWat(path, readFileSync(path, 'utf8'), { simd: true });
  } catch (error) {
    // wabt's message starts with its own source: keep the part that names the line.
    const message = String(error instanceof Error ? error.message : error);
    throw new Error(message.slice(message.indexOf('parseWat failed')));
  }
  try {
    parsed.validate();
    const { buffer } = parsed.toBinary({});
    // Decoded on first use, not when the bundle loads: every run would pay for it, and most
    // never instantiate the module.
    const base64 = JSON.stringify(Buffer.from(buffer).toString('base64'));
    return `let binary; export default () => (binary ??= Uint8Array.from(atob(${base64}), (c) => c.charCodeAt(0)));`;
  } finally {
    parsed.destroy();
  }
}

/** esbuild: `import binary from './x.wat'`, then `binary()` for the bytes. */
export const esbuildWat = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async (args) => ({ contents: await watModule(args.path), loader: 'js' }));
  },
};

/** Vite (vitest): the same. */
export const viteWat = {
  name: 'wat',
  async load(id) {
    return id.endsWith('.wat') ? watModule(id) : undefined;
  },
};
