/**
 * What every command's start-up loads: the CLI bundle (dist/kl.cjs) must not carry the
 * statistics library that kl drift and kl mi need (230 KB: start-up 1.31× instead of 1.22×
 * `node -e 0`, BENCHMARKS.md); their computation is in dist/execute.cjs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/reference.js';

describe('the CLI bundle', () => {
  it('leaves the statistics library to the bundles of the commands that use it', () => {
    expect(readFileSync(join(ROOT, 'dist', 'kl.cjs'), 'utf8')).not.toContain('@stdlib');
    expect(readFileSync(join(ROOT, 'dist', 'execute.cjs'), 'utf8')).toContain('@stdlib');
  });

  it('leaves the zip reader (yauzl) to dist/npz.cjs, loaded only for an .npz', () => {
    for (const bundle of ['kl.cjs', 'execute.cjs']) expect(readFileSync(join(ROOT, 'dist', bundle), 'utf8')).not.toContain('central directory');
    expect(readFileSync(join(ROOT, 'dist', 'npz.cjs'), 'utf8')).toContain('central directory');
  });
});
