import { createHash } from 'node:crypto';
import { compileProfile, type CompiledProfile, type LanguageMap } from './engine';
import { PayloadTooLargeError } from '../errors';
import { MAX_DOCUMENT_BYTES } from '../storage/collections/collection-rules';
import { profileNotFound, ProfileInvalidError, registryFull, versionConflict } from './errors';
import {
  ProfileRegistryStore,
  type CredentialModeOverride,
  type ProfileEntry,
  type ProfileMode,
  type ProfileStatus,
  type StoredProfileVersion,
} from './profile-store';

/** Most profiles, versions of one profile, and credential overrides the registry holds (what one read of a collection returns). */
export const MAX_REGISTERED = 1000;

/** How long a registry snapshot is used before the change counter is read again (other instances' changes). */
export const DEFAULT_REGISTRY_REFRESH_MS = 2_000;

/** An active profile as enforcement and pattern tracking use it: every stored version compiled. */
export interface ActiveProfile {
  entry: ProfileEntry;
  latest: CompiledProfile;
  /** By version IRI, the latest included. */
  versions: ReadonlyMap<string, CompiledProfile>;
}

/** The registry as this instance currently knows it; immutable, replaced whole on reload. */
export class RegistrySnapshot {
  readonly active: readonly ActiveProfile[];
  private readonly byCredential: ReadonlyMap<string, { all?: ProfileMode; byProfile: Map<string, ProfileMode> }>;

  constructor(
    readonly counter: number,
    active: ActiveProfile[],
    overrides: CredentialModeOverride[],
  ) {
    this.active = active;
    const byCredential = new Map<string, { all?: ProfileMode; byProfile: Map<string, ProfileMode> }>();
    for (const override of overrides) {
      const modes = byCredential.get(override.credential) ?? { byProfile: new Map<string, ProfileMode>() };
      if (override.profileId === null) modes.all = override.mode;
      else modes.byProfile.set(override.profileId, override.mode);
      byCredential.set(override.credential, modes);
    }
    this.byCredential = byCredential;
  }

  /** The mode a credential's statements are checked in: its override for the profile, else its override for all, else the profile's. */
  modeFor(profile: ActiveProfile, credential: string): ProfileMode {
    const modes = this.byCredential.get(credential);
    return modes?.byProfile.get(profile.entry.profileId) ?? modes?.all ?? profile.entry.mode;
  }

  /** The active profiles a credential's statements are checked against, with their mode (never `off`). */
  enforcedFor(credential: string): Array<{ profile: ActiveProfile; mode: Exclude<ProfileMode, 'off'> }> {
    const enforced: Array<{ profile: ActiveProfile; mode: Exclude<ProfileMode, 'off'> }> = [];
    for (const profile of this.active) {
      const mode = this.modeFor(profile, credential);
      if (mode !== 'off') enforced.push({ profile, mode });
    }
    return enforced;
  }
}

export interface UploadResult {
  /** `unchanged`: this very version was already stored with the same content. */
  outcome: 'created' | 'unchanged';
  profileId: string;
  versionId: string;
}

export interface ProfileListing {
  id: string;
  prefLabel: LanguageMap;
  status: ProfileStatus;
  mode: ProfileMode;
  latestVersion: string;
  versions: Array<{ id: string; uploadedAt: string }>;
}

export interface ProfileRegistryOptions {
  store: ProfileRegistryStore;
  /** See DEFAULT_REGISTRY_REFRESH_MS. */
  refreshMs?: number;
  now?: () => number;
}

/**
 * The xAPI Profiles registry: uploads are compiled and validated by the engine and kept with all
 * their versions in the collection store; the active profiles are held compiled in memory.
 *
 * Several LRS instances share one registry: every change bumps a counter in the store, and an
 * instance reads that counter again when its snapshot is older than `refreshMs` (2 s by default),
 * reloading only when it moved. A change made through this instance is seen by it at once; one made
 * through another instance is enforced here within `refreshMs` of the next request.
 */
export class ProfileRegistry {
  private readonly store: ProfileRegistryStore;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private snapshot: RegistrySnapshot = new RegistrySnapshot(-1, [], []);
  private checkedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<RegistrySnapshot> | undefined;
  /** Compiled versions by version IRI and content hash: versions never change, so each is compiled once. */
  private readonly compiled = new Map<string, { contentHash: string; profile: CompiledProfile }>();

  constructor(options: ProfileRegistryOptions) {
    this.store = options.store;
    this.refreshMs = options.refreshMs ?? DEFAULT_REGISTRY_REFRESH_MS;
    this.now = options.now ?? Date.now;
  }

  /** The current snapshot: synchronously while it is fresh, else after reading the counter (and reloading if it moved). */
  current(): RegistrySnapshot | Promise<RegistrySnapshot> {
    if (this.now() - this.checkedAt < this.refreshMs) return this.snapshot;
    return this.refresh(false);
  }

  async upload(document: unknown): Promise<UploadResult> {
    const compiled = compileProfile(document);
    if ('problems' in compiled) throw new ProfileInvalidError(compiled.problems);
    const { profile } = compiled;
    const contentHash = canonicalHash(profile.document);
    const stored = await this.store.version(profile.versionId);
    if (stored !== undefined) {
      if (stored.contentHash !== contentHash || stored.profileId !== profile.id) throw versionConflict(profile.versionId, stored.profileId);
      // An upload that died between storing the version and its entry is completed by its retry.
      if ((await this.store.entry(profile.id))?.versionIds.includes(profile.versionId) !== true) {
        await this.changeEntry(profile.id, (entry) => withVersion(entry, profile, stored.uploadedAt));
      }
      return { outcome: 'unchanged', profileId: profile.id, versionId: profile.versionId };
    }
    const version: StoredProfileVersion = {
      profileId: profile.id,
      versionId: profile.versionId,
      documentText: JSON.stringify(profile.document),
      contentHash,
      uploadedAt: new Date(this.now()).toISOString(),
    };
    await this.assertRoomFor(version);
    if (!(await this.store.insertVersion(version))) return this.upload(document);
    await this.changeEntry(profile.id, (entry) => withVersion(entry, profile, version.uploadedAt));
    return { outcome: 'created', profileId: profile.id, versionId: profile.versionId };
  }

  async list(): Promise<ProfileListing[]> {
    const entries = await this.store.allEntries();
    const listings = await Promise.all(entries.map((entry) => this.listing(entry)));
    return listings.sort((a, b) => a.id.localeCompare(b.id));
  }

  async credentialModes(): Promise<CredentialModeOverride[]> {
    return this.store.allCredentialModes();
  }

  /** Any stored version, compiled (retired profiles' too). */
  async compiledVersion(versionId: string): Promise<CompiledProfile | undefined> {
    const version = await this.store.version(versionId);
    return version === undefined ? undefined : this.compile(version);
  }

  /** The JSON-LD text of a version of a profile (the latest by default). */
  async documentText(profileId: string, versionId?: string): Promise<string> {
    const entry = await this.store.entry(profileId);
    if (entry === undefined) throw profileNotFound(profileId);
    const version = await this.store.version(versionId ?? entry.latestVersionId);
    if (version === undefined || version.profileId !== profileId) throw profileNotFound(profileId, versionId);
    return version.documentText;
  }

  async setMode(profileId: string, mode: ProfileMode): Promise<ProfileEntry> {
    return this.changeExisting(profileId, (entry) => ({ ...entry, mode, updatedAt: this.isoNow() }));
  }

  async retire(profileId: string): Promise<ProfileEntry> {
    return this.changeExisting(profileId, (entry) => (entry.status === 'retired' ? undefined : { ...entry, status: 'retired', updatedAt: this.isoNow() }));
  }

  /** Sets (or with mode null, removes) a credential's own mode for one profile or, with profileId null, for all. */
  async setCredentialMode(credential: string, profileId: string | null, mode: ProfileMode | null): Promise<void> {
    if (profileId !== null && (await this.store.entry(profileId)) === undefined) throw profileNotFound(profileId);
    if (mode !== null && (await this.store.countCredentialModes()) >= MAX_REGISTERED) {
      const exists = (await this.store.allCredentialModes()).some((override) => override.credential === credential && override.profileId === profileId);
      if (!exists) throw registryFull('credential overrides', MAX_REGISTERED);
    }
    if (mode === null) await this.store.deleteCredentialMode(credential, profileId);
    else await this.store.putCredentialMode({ credential, profileId, mode });
    await this.changed();
  }

  /** A version is one stored document (at most MAX_DOCUMENT_BYTES); profiles, versions of one, overrides: at most MAX_REGISTERED each. */
  private async assertRoomFor(version: StoredProfileVersion): Promise<void> {
    const bytes = Buffer.byteLength(JSON.stringify(version));
    if (bytes > MAX_DOCUMENT_BYTES - 1024) {
      throw new PayloadTooLargeError(`A profile version is stored as one document of at most ${MAX_DOCUMENT_BYTES - 1024} bytes; this one takes ${bytes}`);
    }
    const entry = await this.store.entry(version.profileId);
    if (entry === undefined && (await this.store.countEntries()) >= MAX_REGISTERED) throw registryFull('profiles', MAX_REGISTERED);
    if (entry !== undefined && entry.versionIds.length >= MAX_REGISTERED) throw registryFull(`versions of ${version.profileId}`, MAX_REGISTERED);
  }

  private async listing(entry: ProfileEntry): Promise<ProfileListing> {
    const versions = await this.store.versionsOf(entry.profileId);
    const uploadedAt = new Map(versions.map((version) => [version.versionId, version.uploadedAt]));
    return {
      id: entry.profileId,
      prefLabel: JSON.parse(entry.prefLabelText) as LanguageMap,
      status: entry.status,
      mode: entry.mode,
      latestVersion: entry.latestVersionId,
      versions: entry.versionIds.map((id) => ({ id, uploadedAt: uploadedAt.get(id) ?? '' })),
    };
  }

  private async changeExisting(profileId: string, change: (entry: ProfileEntry) => ProfileEntry | undefined): Promise<ProfileEntry> {
    let found = false;
    const entry = await this.changeEntry(profileId, (current) => {
      found = current !== undefined;
      return current === undefined ? undefined : change(current);
    });
    if (!found || entry === undefined) throw profileNotFound(profileId);
    return entry;
  }

  private async changeEntry(profileId: string, change: (entry: ProfileEntry | undefined) => ProfileEntry | undefined): Promise<ProfileEntry | undefined> {
    const entry = await this.store.changeEntry(profileId, change);
    await this.changed();
    return entry;
  }

  private async changed(): Promise<void> {
    await this.store.bumpCounter();
    await this.refresh(true);
  }

  private refresh(force: boolean): Promise<RegistrySnapshot> {
    if (this.refreshing === undefined || force) {
      const refreshing = this.load(force).finally(() => {
        if (this.refreshing === refreshing) this.refreshing = undefined;
      });
      this.refreshing = refreshing;
    }
    return this.refreshing;
  }

  private async load(force: boolean): Promise<RegistrySnapshot> {
    const counter = await this.store.counter();
    if (force || counter !== this.snapshot.counter) {
      const [entries, overrides] = await Promise.all([this.store.allEntries(), this.store.allCredentialModes()]);
      const active = await Promise.all(entries.filter((entry) => entry.status === 'active').map((entry) => this.activeProfile(entry)));
      this.snapshot = new RegistrySnapshot(counter, active, overrides);
    }
    this.checkedAt = this.now();
    return this.snapshot;
  }

  private async activeProfile(entry: ProfileEntry): Promise<ActiveProfile> {
    const versions = new Map<string, CompiledProfile>();
    for (const version of await this.store.versionsOf(entry.profileId)) versions.set(version.versionId, this.compile(version));
    const latest = versions.get(entry.latestVersionId);
    if (latest === undefined) throw new Error(`profile ${entry.profileId}: its latest version ${entry.latestVersionId} is not stored`);
    return { entry, latest, versions };
  }

  private compile(version: StoredProfileVersion): CompiledProfile {
    const cached = this.compiled.get(version.versionId);
    if (cached?.contentHash === version.contentHash) return cached.profile;
    const result = compileProfile(JSON.parse(version.documentText));
    // It compiled when it was uploaded; a newer engine refusing it is a bug to see, not to hide.
    if ('problems' in result) throw new Error(`stored profile version ${version.versionId} no longer compiles: ${JSON.stringify(result.problems.slice(0, 3))}`);
    this.compiled.set(version.versionId, { contentHash: version.contentHash, profile: result.profile });
    return result.profile;
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}

/**
 * The entry once `profile` is stored. A version becomes the latest unless the current latest lists
 * it among its versions (an earlier version uploaded late); uploading a version of a retired
 * profile makes it active again. A new profile starts in `warn` mode.
 */
function withVersion(entry: ProfileEntry | undefined, profile: CompiledProfile, uploadedAt: string): ProfileEntry | undefined {
  const latest = { latestVersionId: profile.versionId, latestListedVersionIds: profile.versions, prefLabelText: JSON.stringify(profile.prefLabel) };
  if (entry === undefined) {
    return { profileId: profile.id, status: 'active', mode: 'warn', ...latest, versionIds: [profile.versionId], updatedAt: uploadedAt };
  }
  if (entry.versionIds.includes(profile.versionId)) return undefined;
  return entry.latestListedVersionIds.includes(profile.versionId)
    ? { ...entry, status: 'active', versionIds: [...entry.versionIds, profile.versionId], updatedAt: uploadedAt }
    : { ...entry, status: 'active', ...latest, versionIds: [profile.versionId, ...entry.versionIds], updatedAt: uploadedAt };
}

/** SHA-256 of the JSON with object keys sorted: the same document however its keys were ordered. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Recursive over a parsed request body, whose depth readJsonBody bounds (MAX_JSON_DEPTH). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
