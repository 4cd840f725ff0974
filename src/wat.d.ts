/**
 * A WebAssembly text file, imported as a function that returns its binary, decoded on the first
 * call and the same array on every call (scripts/wat.mjs compiles it for esbuild and Vite).
 */
declare module '*.wat' {
  const binary: () => Uint8Array;
  export default binary;
}

/**
 * The part of the WebAssembly JavaScript API kl uses (Node has all of it; neither the ES
 * library nor @types/node declares it).
 */
declare namespace WebAssembly {
  class Module {
    constructor(binary: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
