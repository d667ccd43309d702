import { Writable } from 'node:stream';
import type { Db } from 'mongodb';
import { useTestDatabase } from '../../test-support/database';
import pino from 'pino';
import { ensureAdminCredential } from './bootstrap';
import { CREDENTIALS_COLLECTION, MongoCredentialStore } from './mongo-credential-store';
import { verifySecret } from './secret-hash';

const database = useTestDatabase();
const ADMIN = { key: 'admin-key', secret: 'admin secret 1' };

let db: Db;
let store: MongoCredentialStore;
let logLines: string[];

function capturingLogger() {
  logLines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  return pino({ level: 'trace' }, sink);
}

async function adminVerifies(secret: string): Promise<boolean> {
  const stored = await store.findActive(ADMIN.key);
  return stored !== null && (await verifySecret(secret, stored.secretHash));
}

beforeAll(() => {
  db = database();
});

beforeEach(async () => {
  await db.collection(CREDENTIALS_COLLECTION).deleteMany({});
  store = new MongoCredentialStore(db, { authorityHomePage: 'https://lrs.example.test/' });
});

describe('ensureAdminCredential', () => {
  it('creates an all + admin credential named admin, logging its key but not its secret', async () => {
    await ensureAdminCredential(store, ADMIN, capturingLogger());
    expect((await store.findActive(ADMIN.key))?.credential).toMatchObject({ name: 'admin', scopes: ['all', 'admin'] });
    expect(await adminVerifies(ADMIN.secret)).toBe(true);
    expect(logLines.join('')).toContain(ADMIN.key);
    expect(logLines.join('')).not.toContain(ADMIN.secret);
  });

  it('rotates the secret, restores the scope and reactivates an existing admin credential', async () => {
    await store.create({ name: 'renamed', scopes: ['state'], key: ADMIN.key, secret: 'old admin secret' });
    await store.revoke(ADMIN.key);
    await ensureAdminCredential(store, ADMIN, capturingLogger());
    expect((await store.findActive(ADMIN.key))?.credential).toMatchObject({ name: 'admin', scopes: ['all', 'admin'] });
    expect(await adminVerifies('old admin secret')).toBe(false);
    expect(await adminVerifies(ADMIN.secret)).toBe(true);
    expect(logLines.join('')).not.toContain(ADMIN.secret);
  });

  it('does nothing without a configured admin', async () => {
    await ensureAdminCredential(store, undefined, capturingLogger());
    expect(await store.list()).toEqual([]);
  });
});
