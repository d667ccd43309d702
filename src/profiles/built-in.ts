import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import type { ProfileRegistry } from './registry';

/** Keiko's own profiles (src/profiles/keiko/README.md), served and enforced from the first start. */
const KEIKO_PROFILES_DIR = path.resolve(__dirname, 'keiko');
export const KEIKO_PROFILE_FILES = ['passport', 'reputation', 'marketplace', 'governance'].map((name) =>
  path.join(KEIKO_PROFILES_DIR, name, 'profile.jsonld'),
);

/**
 * Uploads a profile file to the registry: a version already there is left as it is, with the mode
 * an administrator gave it. Throws when the file is not JSON or the registry refuses it.
 */
export async function registerProfileFile(registry: ProfileRegistry, file: string, logger: Logger): Promise<void> {
  const document: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const result = await registry.upload(document);
  if (result.outcome === 'created') logger.info({ profile: result.profileId, version: result.versionId }, 'profile registered');
}

export async function registerKeikoProfiles(registry: ProfileRegistry, logger: Logger): Promise<void> {
  for (const file of KEIKO_PROFILE_FILES) await registerProfileFile(registry, file, logger);
}
