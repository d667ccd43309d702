import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { keikoToolsDir, requiring } from '../../../test-support/requirements';

/**
 * The AnchorRegistry contract: its Cairo tests pass (cairo-test, over the vectors shared with the
 * TypeScript Merkle code), and the committed artifacts are what its source compiles to. Runs
 * where the pinned toolchain is installed (scripts/install-starknet-tools.sh).
 */
const ROOT = path.resolve(__dirname, '../../..');
const TOOLS = path.join(keikoToolsDir(), 'starknet');
const CAIRO_TEST = path.join(TOOLS, 'cairo-2.16.0/bin/cairo-test');
const COMPILERS = [path.join(TOOLS, 'cairo-2.16.0/bin/starknet-compile'), path.join(TOOLS, 'cairo-2.17.0/bin/starknet-sierra-compile')];
jest.setTimeout(300_000);

const INSTALL = 'scripts/install-starknet-tools.sh';

requiring({ needs: 'cairo-test 2.16.0', present: existsSync(CAIRO_TEST), install: INSTALL }).it('passes its Cairo tests', () => {
  const result = spawnSync(CAIRO_TEST, ['--starknet', path.join(ROOT, 'contracts/anchor_registry')], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toMatch(/test result: ok/);
  expect(result.status).toBe(0);
});

const compilers = requiring({
  needs: 'starknet-compile 2.16.0 and starknet-sierra-compile 2.17.0',
  present: COMPILERS.every((tool) => existsSync(tool)),
  install: INSTALL,
});
compilers.it('has committed artifacts that match its source', () => {
  const result = spawnSync(path.join(ROOT, 'scripts/build-contracts.sh'), ['--check'], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});
