/// <reference path="./wat.d.ts" />
/**
 * kl's WebAssembly passes (measures/softmax.wat, io/numerals.wat) are instantiated here:
 * each binary compiled once, each instance with a memory of its own, sized when it is made
 * and never grown. Growing a memory detaches its old buffer, and one detached array buffer
 * makes V8 check every typed-array access of the thread for detachment from then on
 * (~15% on the big paths: BENCHMARKS.md). Without WebAssembly (`node --jitless`), or for a
 * memory that cannot be had, there is no instance and the JavaScript passes run.
 */

const PAGE = 65536;
/** 2 GiB: every byte offset into a memory fits a signed 32-bit integer. */
export const MAX_MEMORY_BYTES = 2 ** 31;

const modules = new Map<Uint8Array, WebAssembly.Module | null>();

function compiled(binary: Uint8Array): WebAssembly.Module | null {
  let module = modules.get(binary);
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(binary);
    } catch {
      module = null;
    }
    modules.set(binary, module);
  }
  return module;
}

/**
 * An instance of `binary` with a memory of at least `bytes` (at most MAX_MEMORY_BYTES), or
 * null. `functions` are the JavaScript functions it imports (as "env" "name").
 */
export function instantiate<Exports>(
  binary: Uint8Array,
  bytes: number,
  functions: Record<string, (...args: number[]) => number> = {},
): { exports: Exports; memory: WebAssembly.Memory } | null {
  const module = compiled(binary);
  const pages = Math.ceil(bytes / PAGE);
  if (!module || pages > MAX_MEMORY_BYTES / PAGE) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(module, { env: { ...functions, memory } });
    return { exports: instance.exports as unknown as Exports, memory };
  } catch {
    return null;
  }
}
