import { beforeEach, describe, expect, it } from '@jest/globals';
import { BadRequestError, ConflictError } from '../errors';
import { CREDENTIAL_EXISTS_CODE, INVALID_CREDENTIAL_CODE, type CredentialStore } from './credential-store';
import type { Scope } from './scopes';
import { DEFAULT_SCRYPT_PARAMS, verifySecret } from './secret-hash';

/**
 * The behaviour every CredentialStore adapter must have. An adapter's test calls this with a
 * factory returning a store over empty storage, whose authorities use the given home page.
 */
export function describeCredentialStoreContract(
  adapterName: string,
  createStore: (authorityHomePage: string) => Promise<CredentialStore>,
): void {
  const HOME_PAGE = 'https://lrs.example.test/';
  const SECRET = 'correct horse battery staple';

  describe(`${adapterName} (CredentialStore contract)`, () => {
    let store: CredentialStore;

    beforeEach(async () => {
      store = await createStore(HOME_PAGE);
    });

    async function verifiesWith(key: string, secret: string): Promise<boolean> {
      const stored = await store.findActive(key);
      if (!stored) throw new Error(`no active credential ${key}`);
      return verifySecret(secret, stored.secretHash);
    }

    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => {
          throw new Error('expected a rejection');
        },
        (error: unknown) => error,
      );
    }

    describe('create', () => {
      it('generates a random base64url key and secret when none are given', async () => {
        const first = await store.create({ name: 'Moodle', scopes: ['statements/write'] });
        const second = await store.create({ name: 'Moodle', scopes: ['statements/write'] });
        expect(first.key).toMatch(/^[A-Za-z0-9_-]{24}$/);
        expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(second.key).not.toBe(first.key);
        expect(second.secret).not.toBe(first.secret);
        expect(await verifiesWith(first.key, first.secret)).toBe(true);
      });

      it('returns the credential with its authority and timestamps, without secret material', async () => {
        const issued = await store.create({ name: 'Moodle', scopes: ['statements/write', 'statements/read'] });
        expect(issued.credential).toEqual({
          key: issued.key,
          name: 'Moodle',
          scopes: ['statements/write', 'statements/read'],
          authority: { objectType: 'Agent', name: 'Moodle', account: { homePage: HOME_PAGE, name: issued.key } },
          createdAt: expect.any(Date),
          updatedAt: expect.any(Date),
        });
        expect(JSON.stringify(issued.credential)).not.toContain(issued.secret);
      });

      it('uses the key and secret given', async () => {
        const issued = await store.create({ name: 'Tool', scopes: ['state'], key: 'tool-key', secret: SECRET });
        expect(issued).toMatchObject({ key: 'tool-key', secret: SECRET });
        expect(await verifiesWith('tool-key', SECRET)).toBe(true);
        expect(await verifiesWith('tool-key', `${SECRET}!`)).toBe(false);
      });

      it('refuses a key that exists, leaving the existing credential unchanged', async () => {
        await store.create({ name: 'First', scopes: ['all'], key: 'taken', secret: SECRET });
        const error = await rejection(
          store.create({ name: 'Second', scopes: ['state'], key: 'taken', secret: 'another secret' }),
        );
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).toMatchObject({ code: CREDENTIAL_EXISTS_CODE });
        expect(await verifiesWith('taken', SECRET)).toBe(true);
        expect((await store.findActive('taken'))?.credential).toMatchObject({ name: 'First', scopes: ['all'] });
      });

      it.each([
        ['an empty name', { name: '  ', scopes: ['all'] }],
        ['no scopes', { name: 'Tool', scopes: [] }],
        ['an unknown scope', { name: 'Tool', scopes: ['statements/delete'] }],
        ['a key with a colon', { name: 'Tool', scopes: ['all'], key: 'a:b' }],
        ['an empty key', { name: 'Tool', scopes: ['all'], key: '' }],
        ['a short secret', { name: 'Tool', scopes: ['all'], secret: 'short' }],
      ])('refuses %s and stores nothing', async (_case, input) => {
        const error = await rejection(store.create({ ...input, scopes: input.scopes as Scope[] }));
        expect(error).toBeInstanceOf(BadRequestError);
        expect(error).toMatchObject({ code: INVALID_CREDENTIAL_CODE });
        expect(await store.list()).toEqual([]);
      });

      it('accepts a secret containing colons', async () => {
        await store.create({ name: 'Tool', scopes: ['all'], key: 'colon', secret: 'pass:word:with:colons' });
        expect(await verifiesWith('colon', 'pass:word:with:colons')).toBe(true);
      });
    });

    describe('findActive', () => {
      it('returns a salted scrypt hash recording its parameters, never the secret', async () => {
        await store.create({ name: 'A', scopes: ['all'], key: 'a', secret: SECRET });
        await store.create({ name: 'B', scopes: ['all'], key: 'b', secret: SECRET });
        const a = await store.findActive('a');
        const b = await store.findActive('b');
        expect(a?.secretHash).toMatchObject({ algorithm: 'scrypt', ...DEFAULT_SCRYPT_PARAMS });
        expect(Buffer.from(a?.secretHash.salt ?? '', 'base64')).toHaveLength(16);
        expect(a?.secretHash.salt).not.toBe(b?.secretHash.salt);
        expect(a?.secretHash.hash).not.toBe(b?.secretHash.hash);
        expect(JSON.stringify(a)).not.toContain(SECRET);
      });

      it('returns null for an unknown key', async () => {
        expect(await store.findActive('nobody')).toBeNull();
      });
    });

    describe('list', () => {
      it('lists every credential oldest first, revoked ones included, without secret material', async () => {
        await store.create({ name: 'First', scopes: ['all'], key: 'z-first', secret: SECRET });
        await store.create({ name: 'Second', scopes: ['state'], key: 'a-second', secret: SECRET });
        await store.revoke('z-first');
        const credentials = await store.list();
        expect(credentials.map((c) => [c.key, c.name])).toEqual([
          ['z-first', 'First'],
          ['a-second', 'Second'],
        ]);
        expect(credentials[0].revokedAt).toBeInstanceOf(Date);
        expect(credentials[1].revokedAt).toBeUndefined();
        expect(JSON.stringify(credentials)).not.toMatch(/secretHash|salt|correct horse/);
      });
    });

    describe('revoke', () => {
      it('deactivates an active credential once', async () => {
        await store.create({ name: 'Tool', scopes: ['all'], key: 'tool', secret: SECRET });
        expect(await store.revoke('tool')).toBe(true);
        expect(await store.findActive('tool')).toBeNull();
        expect(await store.revoke('tool')).toBe(false);
      });

      it('returns false for an unknown key', async () => {
        expect(await store.revoke('nobody')).toBe(false);
      });
    });

    describe('rehomeAuthorities', () => {
      const NEW_HOME_PAGE = 'https://lrs.school.example/';

      it('moves every credential, revoked ones included, to the new home page, counting those that changed', async () => {
        await store.create({ name: 'Moodle', scopes: ['statements/write'], key: 'moodle' });
        await store.create({ name: 'Old', scopes: ['state'], key: 'old' });
        await store.revoke('old');

        expect(await store.rehomeAuthorities(NEW_HOME_PAGE)).toBe(2);
        expect((await store.list()).map((credential) => credential.authority.account)).toEqual([
          { homePage: NEW_HOME_PAGE, name: 'moodle' },
          { homePage: NEW_HOME_PAGE, name: 'old' },
        ]);
        expect((await store.findActive('moodle'))?.credential.authority.account.homePage).toBe(NEW_HOME_PAGE);
        expect(await store.rehomeAuthorities(NEW_HOME_PAGE)).toBe(0);
      });

      it('leaves everything else of a credential as it was', async () => {
        const issued = await store.create({ name: 'Moodle', scopes: ['statements/write'], key: 'moodle', secret: SECRET });
        await store.rehomeAuthorities(NEW_HOME_PAGE);
        const [credential] = await store.list();
        expect(credential).toMatchObject({ key: 'moodle', name: 'Moodle', scopes: ['statements/write'], createdAt: issued.credential.createdAt });
        expect(credential!.authority).toEqual({ objectType: 'Agent', name: 'Moodle', account: { homePage: NEW_HOME_PAGE, name: 'moodle' } });
        expect(await verifiesWith('moodle', SECRET)).toBe(true);
      });
    });

    describe('upsert', () => {
      it('creates the credential when absent', async () => {
        const result = await store.upsert('admin-key', SECRET, 'admin', ['all']);
        expect(result.created).toBe(true);
        expect(result.credential).toMatchObject({
          key: 'admin-key',
          name: 'admin',
          scopes: ['all'],
          authority: { objectType: 'Agent', name: 'admin', account: { homePage: HOME_PAGE, name: 'admin-key' } },
        });
        expect(await verifiesWith('admin-key', SECRET)).toBe(true);
      });

      it('replaces name, scopes and secret of an existing credential, keeping its creation time', async () => {
        const issued = await store.create({ name: 'Old', scopes: ['state'], key: 'k', secret: SECRET });
        const result = await store.upsert('k', 'a rotated secret', 'New', ['all']);
        expect(result.created).toBe(false);
        expect(result.credential).toMatchObject({ name: 'New', scopes: ['all'], authority: { name: 'New' } });
        expect(result.credential.createdAt).toEqual(issued.credential.createdAt);
        expect(await verifiesWith('k', SECRET)).toBe(false);
        expect(await verifiesWith('k', 'a rotated secret')).toBe(true);
      });

      it('reactivates a revoked credential', async () => {
        await store.create({ name: 'admin', scopes: ['all'], key: 'k', secret: SECRET });
        await store.revoke('k');
        await store.upsert('k', SECRET, 'admin', ['all']);
        expect(await verifiesWith('k', SECRET)).toBe(true);
        expect((await store.list())[0].revokedAt).toBeUndefined();
      });

      it('validates its input', async () => {
        expect(await rejection(store.upsert('k', 'short', 'admin', ['all']))).toBeInstanceOf(BadRequestError);
        expect(await store.list()).toEqual([]);
      });
    });
  });
}
