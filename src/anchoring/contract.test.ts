import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The AnchorRegistry contract: its Cairo tests pass (cairo-test, over the vectors shared with the
 * TypeScript Merkle code), and the committed artifacts are what its source compiles to. Runs
 * where the pinned toolchain is installed (scripts/install-starknet-tools.sh).
 */
const ROOT = path.resolve(__dirname, '../..');
const TOOLS = path.join(process.env.KEIKO_TOOLS_DIR || path.join(os.homedir(), '.cache/keiko-lrs'), 'starknet');
const CAIRO_TEST = path.join(TOOLS, 'cairo-2.16.0/bin/cairo-test');
const COMPILERS = [path.join(TOOLS, 'cairo-2.16.0/bin/starknet-compile'), path.join(TOOLS, 'cairo-2.17.0/bin/starknet-sierra-compile')];
jest.setTimeout(300_000);

(existsSync(CAIRO_TEST) ? it : it.skip)('passes its Cairo tests', () => {
  const result = spawnSync(CAIRO_TEST, ['--starknet', path.join(ROOT, 'contracts/anchor_registry')], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toMatch(/test result: ok/);
  expect(result.status).toBe(0);
});

(COMPILERS.every((tool) => existsSync(tool)) ? it : it.skip)('has committed artifacts that match its source', () => {
  const result = spawnSync(path.join(ROOT, 'scripts/build-contracts.sh'), ['--check'], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});
