import { openTestBackend, TEST_ENGINES, type TestBackend } from '../../../../test-support/backends';
import type { Collection } from '../../../plugin-api';
import { FederationIdentity, IDENTITY_STORES, type StoredIdentity } from './identity';
import { keyIdOf, signDelivery, verifyDelivery } from './signing';

describe.each(TEST_ENGINES)('our signing identity on %s', (engine) => {
  let backend: TestBackend;
  let store: Collection<StoredIdentity>;

  beforeAll(async () => {
    backend = await openTestBackend(engine);
    store = await backend.backend.collections.open('federation', 'identity', IDENTITY_STORES.identity);
  });
  afterAll(() => backend.dispose());
  beforeEach(() => store.deleteMany());

  it('is created once and kept across restarts (a new FederationIdentity reads the same key)', async () => {
    const first = await new FederationIdentity(store, 'https://college.example').published();
    const afterRestart = await new FederationIdentity(store, 'https://college.example').published();
    expect(afterRestart).toEqual(first);
    expect(first).toEqual({ lrs: 'https://college.example', keyId: keyIdOf(first.publicKey), algorithm: 'Ed25519', publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(await store.count()).toBe(1);
  });

  it('instances starting together end with one key, all of them using it (the insert decides)', async () => {
    const instances = Array.from({ length: 8 }, () => new FederationIdentity(store, 'https://college.example'));
    const published = await Promise.all(instances.map((instance) => instance.published()));
    expect(new Set(published.map(({ publicKey }) => publicKey)).size).toBe(1);
    expect((await store.get('signing-key'))!.value.publicKey).toBe(published[0]!.publicKey);
  });

  it('signs with the private half of the key it publishes', async () => {
    const identity = new FederationIdentity(store, 'https://college.example');
    const { publicKey } = await identity.published();
    const body = '{"statements":[]}';
    const headers = signDelivery({ method: 'POST', url: 'https://school.example/plugins/federation/inbox', body, ...(await identity.signingKey()) });
    const lower = { 'keiko-signature': headers['Keiko-Signature'], 'content-digest': headers['Content-Digest'] };
    expect(verifyDelivery({ method: 'POST', path: '/plugins/federation/inbox', headers: lower, body, publicKey }).keyId).toBe(keyIdOf(publicKey));
  });
});
