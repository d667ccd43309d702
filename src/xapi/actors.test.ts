import { identifierOfKey, ifiKey } from './actors';

describe('identifierOfKey', () => {
  it.each([
    [{ mbox: 'mailto:Ana@example.org' }],
    [{ mbox_sha1sum: 'a9993e364706816aba3e25717850c26c9cd0d89d' }],
    [{ openid: 'https://openid.example.org/ana' }],
    [{ account: { homePage: 'https://school.example', name: 'u|42' } }],
  ])('gives back the identifier a key was made from: %j', (identifier) => {
    expect(identifierOfKey(ifiKey(identifier)!)).toEqual(identifier);
  });

  it('gives an mbox with the domain as the key compares it (lower case, Data 2.3.1)', () => {
    expect(identifierOfKey(ifiKey({ mbox: 'mailto:Ana@Example.ORG' })!)).toEqual({ mbox: 'mailto:Ana@example.org' });
  });

  it.each(['', 'mbox:', 'nothing', 'phone:123', 'account:no-bar', 'account:|name'])('is undefined for %j, which no identifier gives', (key) => {
    expect(identifierOfKey(key)).toBeUndefined();
  });
});
