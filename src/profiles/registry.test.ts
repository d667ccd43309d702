import pino from 'pino';
import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { SqliteCollectionStore } from '../storage/collections/sqlite-collection-store';
import type { NewStatementRecord } from '../xapi/statements/statement-storage';
import { ProfileEnforcement } from './enforcement';
import { ProfileRegistryStore } from './profile-store';
import { canonicalHash, ProfileRegistry, type RegistrySnapshot } from './registry';
import { StatementReportStore } from './statement-reports';
import quizProfile from './test-fixtures/quiz-profile.json';

const database = useTestSqliteDatabase();

const PROFILE = quizProfile.id;
const V1 = `${PROFILE}/v1`;
const V2 = `${PROFILE}/v2`;

/** The fixture under another version: `versions` lists it first, then the given earlier ones. */
function version(id: string, earlier: string[]): Record<string, unknown> {
  const document = JSON.parse(JSON.stringify(quizProfile).replaceAll(`"${V1}"`, `"${id}"`)) as Record<string, unknown>;
  document.versions = [id, ...earlier].map((versionId) => ({ id: versionId, generatedAtTime: '2026-12-01T00:00:00Z' }));
  return document;
}

/** Registries on one store, as several LRS instances share one database, with a clock the test moves. */
function instances() {
  const db = database();
  db.exec('DELETE FROM collection_documents');
  const collections = new SqliteCollectionStore(db);
  let now = 1_000_000;
  const registry = () => new ProfileRegistry({ store: new ProfileRegistryStore(collections), refreshMs: 2_000, now: () => now });
  return { collections, registry, advance: (ms: number) => (now += ms) };
}

async function snapshotOf(registry: ProfileRegistry): Promise<RegistrySnapshot> {
  return registry.current();
}

describe('ProfileRegistry', () => {
  it("sees another instance's upload once its snapshot is older than refreshMs, reading only the counter until then", async () => {
    const { registry, advance } = instances();
    const first = registry();
    const second = registry();
    expect((await snapshotOf(second)).active).toEqual([]);

    await first.upload(quizProfile);
    expect((await snapshotOf(first)).active.map((profile) => profile.entry.profileId)).toEqual([PROFILE]);
    const stale = second.current();
    expect(stale).not.toBeInstanceOf(Promise);
    expect((stale as RegistrySnapshot).active).toEqual([]);

    advance(2_000);
    const refreshed = second.current();
    expect(refreshed).toBeInstanceOf(Promise);
    expect((await refreshed).active.map((profile) => profile.entry.profileId)).toEqual([PROFILE]);
    expect(second.current()).not.toBeInstanceOf(Promise);
  });

  it('makes a newer version the latest and keeps an earlier one uploaded late as an earlier one', async () => {
    const { registry } = instances();
    const profiles = registry();
    await profiles.upload(version(V2, [V1]));
    await profiles.upload(quizProfile);
    const [listing] = await profiles.list();
    expect(listing).toMatchObject({ id: PROFILE, latestVersion: V2, versions: [{ id: V2 }, { id: V1 }] });
    const active = (await snapshotOf(profiles)).active[0]!;
    expect([...active.versions.keys()].sort()).toEqual([V1, V2]);
    expect(active.latest.versionId).toBe(V2);
  });

  it('retired profiles are no longer active; a new version makes them active again', async () => {
    const { registry } = instances();
    const profiles = registry();
    await profiles.upload(quizProfile);
    await profiles.retire(PROFILE);
    expect((await snapshotOf(profiles)).active).toEqual([]);
    expect((await profiles.list())[0]?.status).toBe('retired');
    await profiles.upload(version(V2, [V1]));
    expect((await snapshotOf(profiles)).active.map((profile) => profile.latest.versionId)).toEqual([V2]);
  });

  it('per-credential modes: for one profile over for all over the profile own', async () => {
    const { registry } = instances();
    const profiles = registry();
    await profiles.upload(quizProfile);
    await profiles.setMode(PROFILE, 'reject');
    await profiles.setCredentialMode('a', null, 'off');
    await profiles.setCredentialMode('a', PROFILE, 'warn');
    await profiles.setCredentialMode('b', null, 'off');
    const snapshot = await snapshotOf(profiles);
    const profile = snapshot.active[0]!;
    expect([snapshot.modeFor(profile, 'a'), snapshot.modeFor(profile, 'b'), snapshot.modeFor(profile, 'c')]).toEqual(['warn', 'off', 'reject']);
    expect(snapshot.enforcedFor('b')).toEqual([]);
  });
});

describe('ProfileEnforcement', () => {
  it('returns synchronously, doing nothing, while no profile is active and the snapshot is fresh', async () => {
    const { collections, registry } = instances();
    const profiles = registry();
    await profiles.current();
    const enforcement = new ProfileEnforcement({
      registry: profiles,
      reports: new StatementReportStore(collections),
      statements: { getById: () => Promise.reject(new Error('not expected')) },
      logger: pino({ level: 'silent' }),
    });
    const records = [{ id: 'x', statement: { verb: { id: 'https://keiko.test/verbs/answered' } } }] as unknown as NewStatementRecord[];
    expect(enforcement.checkBatch(records, 'key')).toBeUndefined();
  });
});

describe('canonicalHash', () => {
  it('is the same whatever the order of keys, and differs with any value', () => {
    expect(canonicalHash({ a: 1, b: [{ c: 2, d: 3 }] })).toBe(canonicalHash({ b: [{ d: 3, c: 2 }], a: 1 }));
    expect(canonicalHash({ a: 1, b: [{ c: 2, d: 3 }] })).not.toBe(canonicalHash({ a: 1, b: [{ c: 2, d: 4 }] }));
    expect(canonicalHash(['a', 'b'])).not.toBe(canonicalHash(['b', 'a']));
  });
});
