import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { describeCredentialStoreContract } from './credential-store.contract';
import { SqliteCredentialStore } from './sqlite-credential-store';

const database = useTestSqliteDatabase();

async function emptyStore(authorityHomePage: string): Promise<SqliteCredentialStore> {
  database().exec('DELETE FROM credentials');
  return new SqliteCredentialStore(database(), { authorityHomePage });
}

describeCredentialStoreContract('SqliteCredentialStore', emptyStore);

describe('SqliteCredentialStore storage', () => {
  it('keeps one row per credential, keyed by the key, holding only the hash of the secret', async () => {
    const store = await emptyStore('https://lrs.example.test/');
    await store.create({ name: 'Moodle', scopes: ['statements/write'], key: 'moodle', secret: 'moodle secret' });
    const rows = database().prepare('SELECT * FROM credentials').all() as Record<string, unknown>[];
    expect(rows).toEqual([expect.objectContaining({ key: 'moodle', name: 'Moodle', revoked_at: null })]);
    expect(JSON.parse(rows[0]!.secret_hash as string)).toMatchObject({ algorithm: 'scrypt', N: expect.any(Number) });
    expect(JSON.stringify(rows)).not.toContain('moodle secret');
  });
});
