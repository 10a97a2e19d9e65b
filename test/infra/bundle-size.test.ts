import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, type FunctionBundle } from '../../bench/bundles.ts';
import { synth, tempDir } from './support.ts';

// The size budget of STYLE rule 11, for every function of the stack, bundled with the options the
// node-function construct uses (LAMBDA_BUNDLE). Sizes, never times: timings are bench/'s business.
const { manifest } = synth();
const outdir = tempDir('acorn-bundles-');

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe.each(manifest.functions.map((fn) => ({ id: fn.id, entry: fn.entry })))('bundle of $id', (fn) => {
  let bundle: FunctionBundle;

  beforeAll(async () => {
    bundle = await bundleFunction(fn, outdir);
  });

  it('stays within its size budget', () => {
    expect(
      bundle.bytes,
      `${fn.entry}: ${bundle.bytes} B, budget ${bundle.budgetBytes} B`,
    ).toBeLessThanOrEqual(bundle.budgetBytes);
  });

  it('bundles every import except Node built-ins', () => {
    expect(bundle.externals).toEqual([]);
    expect(bundle.builtins.length).toBeGreaterThan(0);
  });
});
