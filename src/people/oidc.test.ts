import express from 'express';
import request from 'supertest';
import { signInAtProvider, startTestOidcProvider, type TestOidcProvider } from '../../test-support/oidc/test-provider';
import { OidcProvider } from './oidc';

const REDIRECT_URI = 'http://lrs.test/sign-in/callback';
const client = { client_id: 'keiko', client_secret: 'a-test-client-secret', redirect_uris: [REDIRECT_URI] };

let provider: TestOidcProvider;
let oidc: OidcProvider;
beforeAll(async () => {
  provider = await startTestOidcProvider(client, {
    ana: { email: 'ana@example.org', email_verified: true, name: 'Ana Pérez' },
    eve: { email: 'eve@example.org', email_verified: false },
  });
  oidc = new OidcProvider({ issuer: provider.issuer, clientId: client.client_id, clientSecret: client.client_secret, redirectUri: REDIRECT_URI });
});
afterAll(() => provider.stop());

/** The callback request, answered by an app that hands it to OidcProvider.finish. */
async function completeSignIn(login: string) {
  const { url, transaction } = await oidc.start();
  const callback = await signInAtProvider(url, login);
  const app = express().get('/sign-in/callback', async (req, res) => {
    res.json(await oidc.finish(req, transaction).catch((error: Error) => ({ error: error.message })));
  });
  return (await request(app).get(`${callback.pathname}${callback.search}`)).body;
}

describe('OidcProvider against a real OpenID Connect provider', () => {
  it('asks for a code with PKCE (S256), state and nonce', async () => {
    const url = new URL((await oidc.start()).url);
    expect(url.origin).toBe(provider.issuer);
    for (const name of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(name)).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('response_type')).toBe('code');
  });

  it('maps the claims to an account {homePage: issuer, name: sub} and a verified email', async () => {
    expect(await completeSignIn('ana')).toEqual({
      account: { homePage: provider.issuer, name: 'ana' },
      verifiedEmail: 'ana@example.org',
      displayName: 'Ana Pérez',
    });
  });

  it('leaves out an email the provider did not verify', async () => {
    expect(await completeSignIn('eve')).toEqual({ account: { homePage: provider.issuer, name: 'eve' }, displayName: 'eve@example.org' });
  });

  it('refuses a callback whose state is not the transaction’s', async () => {
    const { url } = await oidc.start();
    const other = await oidc.start();
    const callback = await signInAtProvider(url, 'ana');
    const app = express().get('/sign-in/callback', async (req, res) => {
      res.json(await oidc.finish(req, other.transaction).then(() => 'accepted', (error: Error) => error.message));
    });
    expect((await request(app).get(`${callback.pathname}${callback.search}`)).body).toMatch(/state mismatch/);
  });
});
