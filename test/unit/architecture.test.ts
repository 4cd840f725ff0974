/**
 * The layers of README "Architecture", checked on the source: data flows one way
 * (cli → compute → io/measures, report reads results), and no module imports itself back
 * through others (no cycles among runtime imports).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/reference.js';

const SRC = join(ROOT, 'src');

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [],
  );
}

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

const edges: Edge[] = sources(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm)].map((match) => ({
    from: relative(SRC, file),
    to: relative(SRC, resolve(dirname(file), (match[2] ?? match[3]) as string)).replace(/\.js$/, '.ts'),
    typeOnly: match[1] !== undefined,
  }));
});

/** The layer of a module: its folder, or the module itself at the top of src/. */
const layer = (module: string): string => (module.includes('/') ? (module.split('/')[0] as string) : module.replace(/\.ts$/, ''));

/** What each layer may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  cli: ['compute', 'io', 'measures', 'report', 'result', 'display', 'errors'],
  compute: ['io', 'measures', 'result', 'display', 'errors'],
  report: ['measures', 'result', 'display', 'errors'],
  io: ['display', 'errors', 'wasm'],
  measures: ['wasm'],
  result: ['measures'],
  display: [],
  errors: [],
  // Instantiating the WebAssembly passes of io and measures: a leaf, importing nothing.
  wasm: [],
  index: ['compute', 'io', 'measures', 'report', 'result', 'display', 'errors'],
};

describe('architecture', () => {
  it('every import goes down the layers (compute, io and measures never import report or cli)', () => {
    const wrong = edges.filter((edge) => layer(edge.from) !== layer(edge.to) && !(ALLOWED[layer(edge.from)] ?? []).includes(layer(edge.to)));
    expect(wrong.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([]);
  });

  it('no import cycles', () => {
    const graph = new Map<string, string[]>();
    for (const edge of edges) if (!edge.typeOnly) graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (module: string, path: string[]): void => {
      if (state.get(module) === 'done') return;
      if (state.get(module) === 'open') {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' -> '));
        return;
      }
      state.set(module, 'open');
      for (const next of graph.get(module) ?? []) visit(next, [...path, module]);
      state.set(module, 'done');
    };
    for (const module of graph.keys()) visit(module, []);
    expect(cycles).toEqual([]);
  });
});
