import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fixturePath(name: string): string {
  return `${ROOT}fixtures/${name}`;
}

export function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

/** Relative difference, with exact equality (including infinities) as 0. */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return Infinity;
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
}

export function parseReference(text: string): number {
  return text === 'Infinity' ? Infinity : Number(text);
}
