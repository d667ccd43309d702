import { testToolOptions } from './database';

/**
 * Tests that need a tool npm does not install (the Starknet toolchain, FerretDB, Docker Compose)
 * declare it here, in one way:
 *   - where the tool is present, they run;
 *   - under CI (CI=true) they always run: a missing tool makes them fail, saying what to install
 *     (.ci/run installs every tool first, so nothing is ever skipped there);
 *   - elsewhere a missing tool skips them, with one line on stderr naming what to install.
 */

/** True under CI (`CI=true`, as CI services set it). */
export const underCi = /^(true|1)$/i.test(process.env.CI?.trim() ?? '');

/** Where Keiko's tools are installed: KEIKO_TOOLS_DIR, default ~/.cache/keiko-lrs. */
export function keikoToolsDir(): string {
  return testToolOptions().toolsDir;
}

export interface Requirement {
  /** What the tests need, e.g. "starknet-devnet 0.8.1". */
  needs: string;
  /** Whether it is installed here. */
  present: boolean;
  /** How to install it, e.g. "scripts/install-starknet-tools.sh". */
  install: string;
}

type TestFn = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;
type DescribeFn = (name: string, fn: () => void) => void;

/** `it` and `describe` for tests that need `requirement` (see above). */
export function requiring(requirement: Requirement): { it: TestFn; describe: DescribeFn } {
  if (requirement.present) return { it, describe };
  const missing = `it needs ${requirement.needs}, which is not installed here; install it with: ${requirement.install}`;
  if (underCi) {
    const fail = () => {
      throw new Error(`CI=true, so this test may not be skipped: ${missing}`);
    };
    return {
      it: (name) => it(name, fail),
      describe: (name) => describe(name, () => it(`needs ${requirement.needs}`, fail)),
    };
  }
  const skipped = (name: string) =>
    process.stderr.write(`!!! SKIPPED "${name}": ${missing}\n`);
  return {
    it: (name, fn, timeout) => {
      skipped(name);
      it.skip(name, fn, timeout);
    },
    describe: (name, fn) => {
      skipped(name);
      describe.skip(name, fn);
    },
  };
}
