import { rm } from 'node:fs/promises';

/** Jest globalTeardown: stops the run's embedded database (if global-setup.ts started one) and removes its files. */
export default async function globalTeardown(): Promise<void> {
  const run = globalThis.keikoTestRunDatabase;
  if (run === undefined) return;
  globalThis.keikoTestRunDatabase = undefined;
  await run.database.stop();
  await rm(run.dataDir, { recursive: true, force: true });
}
