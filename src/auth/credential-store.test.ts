import { authorityHomePage } from './credential-store';

describe('authorityHomePage', () => {
  it('is the LRS listening address as an http IRL', () => {
    expect(authorityHomePage({ host: '127.0.0.1', port: 8080 })).toBe('http://127.0.0.1:8080/');
  });

  it('brackets IPv6 addresses', () => {
    expect(authorityHomePage({ host: '::1', port: 8080 })).toBe('http://[::1]:8080/');
  });
});
