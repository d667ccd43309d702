import type { Credential } from './credential-store';
import { VerifiedCredentialCache } from './verified-cache';

function credential(key: string): Credential {
  const at = new Date(0);
  return {
    key,
    name: key,
    scopes: ['all'],
    authority: { objectType: 'Agent', name: key, account: { homePage: 'https://lrs.example.test/', name: key } },
    createdAt: at,
    updatedAt: at,
  };
}

describe('VerifiedCredentialCache', () => {
  let now: number;
  let cache: VerifiedCredentialCache;

  beforeEach(() => {
    now = 0;
    cache = new VerifiedCredentialCache({ ttlMs: 1_000, maxEntries: 2, now: () => now });
  });

  it('returns the credential for the secret it was verified with', () => {
    cache.set('a', 'secret-a', credential('a'));
    expect(cache.get('a', 'secret-a')?.key).toBe('a');
  });

  it('misses for another secret, including one of another length', () => {
    cache.set('a', 'secret-a', credential('a'));
    expect(cache.get('a', 'secret-b')).toBeUndefined();
    expect(cache.get('a', 'a much longer secret than the one cached')).toBeUndefined();
  });

  it('misses for an unknown key', () => {
    expect(cache.get('a', 'secret-a')).toBeUndefined();
  });

  it('forgets an entry once its TTL has passed', () => {
    cache.set('a', 'secret-a', credential('a'));
    now = 999;
    expect(cache.get('a', 'secret-a')).toBeDefined();
    now = 1_000;
    expect(cache.get('a', 'secret-a')).toBeUndefined();
  });

  it('does not extend the TTL on use', () => {
    cache.set('a', 'secret-a', credential('a'));
    now = 900;
    cache.get('a', 'secret-a');
    now = 1_000;
    expect(cache.get('a', 'secret-a')).toBeUndefined();
  });

  it('forgets an invalidated key at once, keeping the others', () => {
    cache.set('a', 'secret-a', credential('a'));
    cache.set('b', 'secret-b', credential('b'));
    cache.invalidate('a');
    expect(cache.get('a', 'secret-a')).toBeUndefined();
    expect(cache.get('b', 'secret-b')?.key).toBe('b');
  });

  it('drops the least recently used entry beyond its capacity', () => {
    cache.set('a', 'secret-a', credential('a'));
    cache.set('b', 'secret-b', credential('b'));
    cache.get('a', 'secret-a');
    cache.set('c', 'secret-c', credential('c'));
    expect(cache.get('a', 'secret-a')).toBeDefined();
    expect(cache.get('b', 'secret-b')).toBeUndefined();
    expect(cache.get('c', 'secret-c')).toBeDefined();
  });

  it('replaces the entry of a key verified again', () => {
    cache.set('a', 'old secret', credential('a'));
    cache.set('a', 'new secret', credential('a'));
    expect(cache.get('a', 'old secret')).toBeUndefined();
    expect(cache.get('a', 'new secret')).toBeDefined();
  });
});
