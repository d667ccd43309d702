import { createHash } from 'node:crypto';
import type { Collection, CollectionDeclaration, CollectionStore } from '../storage/collections/collection-store';

/** The collection-store namespace of the profile registry, its reports and pattern states. */
export const PROFILES_OWNER = 'profiles';

export const PROFILE_MODES = ['off', 'warn', 'reject'] as const;
export type ProfileMode = (typeof PROFILE_MODES)[number];

export type ProfileStatus = 'active' | 'retired';

/** One uploaded version of a profile, kept for good (statements claiming it are checked against it). */
export interface StoredProfileVersion {
  profileId: string;
  versionId: string;
  /** The JSON-LD document as uploaded, as text: profile documents carry IRIs as keys, which a stored document's keys may not. */
  documentText: string;
  /** SHA-256 of the document's canonical JSON: an upload with the same hash is the same upload. */
  contentHash: string;
  uploadedAt: string;
}

/** A profile's registry entry: its versions (newest first), status and enforcement mode. */
export interface ProfileEntry {
  profileId: string;
  status: ProfileStatus;
  mode: ProfileMode;
  latestVersionId: string;
  /** The latest version's own list of versions (itself and the earlier ones it names). */
  latestListedVersionIds: string[];
  /** Every stored version, the latest first, then by upload. */
  versionIds: string[];
  /** The latest version's prefLabel, as JSON text (language tags are keys but cannot be trusted not to hold a dot). */
  prefLabelText: string;
  updatedAt: string;
}

/** A credential's own mode, for one profile or (profileId null) for every profile. */
export interface CredentialModeOverride {
  credential: string;
  profileId: string | null;
  mode: ProfileMode;
}

/** Bumped on every change of the registry: the other LRS instances reload when they see it move. */
interface RegistryCounter {
  counter: number;
}

const COUNTER_ID = 'registry';

/**
 * The registry's documents in the collection store (owner `profiles`): `versions` and `entries`
 * (ids: a hash of the version's or of the profile's IRI, as IRIs may be longer than an id), `credential_modes`
 * and the `meta` counter. No multi-document transactions: a version is inserted before its entry
 * points at it, and entries change by optimistic revision.
 */
export class ProfileRegistryStore {
  private readonly versions: Collection<StoredProfileVersion>;
  private readonly entries: Collection<ProfileEntry>;
  private readonly credentialModes: Collection<CredentialModeOverride>;
  private readonly meta: Collection<RegistryCounter>;

  constructor(collections: CollectionStore) {
    this.versions = lazyCollection(collections, 'versions', { indexes: [{ name: 'by_profile', fields: ['profileId'] }] });
    this.entries = lazyCollection(collections, 'entries');
    this.credentialModes = lazyCollection(collections, 'credential_modes');
    this.meta = lazyCollection(collections, 'meta');
  }

  async version(versionId: string): Promise<StoredProfileVersion | undefined> {
    return (await this.versions.get(iriKey(versionId)))?.value;
  }

  /** false when a version with this IRI is already stored. */
  async insertVersion(version: StoredProfileVersion): Promise<boolean> {
    return this.versions.insert(iriKey(version.versionId), version);
  }

  async versionsOf(profileId: string): Promise<StoredProfileVersion[]> {
    return (await this.versions.find({ where: { profileId } })).map((document) => document.value);
  }

  async entry(profileId: string): Promise<ProfileEntry | undefined> {
    return (await this.entries.get(entryId(profileId)))?.value;
  }

  async allEntries(): Promise<ProfileEntry[]> {
    return (await this.entries.find()).map((document) => document.value);
  }

  /**
   * Applies `change` to the profile's entry (undefined when there is none yet) and stores the
   * result, retrying when another writer changed it meanwhile. `change` returning undefined leaves
   * the entry as it is. Returns what is stored.
   */
  async changeEntry(profileId: string, change: (entry: ProfileEntry | undefined) => ProfileEntry | undefined): Promise<ProfileEntry | undefined> {
    const id = entryId(profileId);
    for (;;) {
      const current = await this.entries.get(id);
      const next = change(current?.value);
      if (next === undefined) return current?.value;
      const written = current === undefined ? await this.entries.insert(id, next) : await this.entries.update(id, next, current.revision);
      if (written) return next;
    }
  }

  async countEntries(): Promise<number> {
    return this.entries.count();
  }

  async countCredentialModes(): Promise<number> {
    return this.credentialModes.count();
  }

  async allCredentialModes(): Promise<CredentialModeOverride[]> {
    return (await this.credentialModes.find()).map((document) => document.value);
  }

  async putCredentialMode(override: CredentialModeOverride): Promise<void> {
    await this.credentialModes.put(credentialModeId(override.credential, override.profileId), override);
  }

  async deleteCredentialMode(credential: string, profileId: string | null): Promise<boolean> {
    return this.credentialModes.delete(credentialModeId(credential, profileId));
  }

  async counter(): Promise<number> {
    return (await this.meta.get(COUNTER_ID))?.value.counter ?? 0;
  }

  /** Tells every instance (including this one) that the registry changed. */
  async bumpCounter(): Promise<number> {
    for (;;) {
      const current = await this.meta.get(COUNTER_ID);
      const counter = (current?.value.counter ?? 0) + 1;
      const written =
        current === undefined ? await this.meta.insert(COUNTER_ID, { counter }) : await this.meta.update(COUNTER_ID, { counter }, current.revision);
      if (written) return counter;
    }
  }
}

/**
 * A collection (of the `profiles` owner unless said otherwise), opened (created with its indexes) at its first use, so
 * that the profile service can be assembled synchronously with the others. A failed open is tried
 * again at the next use.
 */
export function lazyCollection<T extends object>(collections: CollectionStore, name: string, declaration?: CollectionDeclaration, owner = PROFILES_OWNER): Collection<T> {
  let opened: Promise<Collection<T>> | undefined;
  const collection = (): Promise<Collection<T>> => {
    opened ??= collections.open<T>(owner, name, declaration).catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
  return {
    get: async (id) => (await collection()).get(id),
    insert: async (id, value) => (await collection()).insert(id, value),
    put: async (id, value) => (await collection()).put(id, value),
    putMany: async (entries) => (await collection()).putMany(entries),
    update: async (id, value, revision) => (await collection()).update(id, value, revision),
    delete: async (id) => (await collection()).delete(id),
    find: async (query) => (await collection()).find(query),
    count: async (where) => (await collection()).count(where),
    deleteMany: async (where) => (await collection()).deleteMany(where),
  };
}

/** A short stable document id for an IRI (ids are limited to 512 characters; IRIs are not). */
export function iriKey(iri: string): string {
  return createHash('sha256').update(iri).digest('base64url');
}

function entryId(profileId: string): string {
  return iriKey(profileId);
}

function credentialModeId(credential: string, profileId: string | null): string {
  return `${iriKey(credential)}:${profileId === null ? '*' : iriKey(profileId)}`;
}
