/** Deterministic xorshift32 in [0, 1), so every run benches the same bytes (scripts/bench.mjs, bench/kernel-parts.ts). */
export function generator(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
