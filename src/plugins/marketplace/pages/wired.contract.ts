/**
 * The whole LRS with the marketplace plugin (index.ts) on a chosen engine, for tests that run both
 * engines in one file. Named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import { MarketplaceTestLrs } from '../../../../test-support/marketplace';
import type { StorageEngine } from '../../../storage/backend';

/** A MarketplaceTestLrs on `engine` (the engine under test by default). */
export async function startWired(engine?: StorageEngine): Promise<MarketplaceTestLrs> {
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  if (engine !== undefined) process.env.KEIKO_TEST_ENGINE = engine;
  try {
    return await MarketplaceTestLrs.start();
  } finally {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  }
}
