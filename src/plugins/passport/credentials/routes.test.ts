import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import { vcBundle, type DocumentLoader } from './vc-bundle';
import { verifierScriptPath } from './routes';

/** The credentials' public routes on the whole LRS (PUBLIC_URL http://lrs.test): no session, no credentials. */
let lrs: TestLrs;
const DID = 'did:web:lrs.test:plugins:passport';

beforeAll(async () => {
  lrs = await createTestLrs();
});
afterAll(() => lrs.close());

describe('GET /plugins/passport/did.json', () => {
  it("is the LRS's DID document, with one key for credentials and presentations, readable from anywhere", async () => {
    const response = await request(lrs.app).get('/plugins/passport/did.json').expect(200);
    expect(response.headers).toMatchObject({ 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
    expect(response.body).toMatchObject({
      id: DID,
      verificationMethod: [{ id: `${DID}#key-1`, type: 'Multikey', controller: DID, publicKeyMultibase: expect.stringMatching(/^z6Mk/) }],
      assertionMethod: [`${DID}#key-1`],
      authentication: [`${DID}#key-1`],
    });
  });
});

describe('GET /plugins/passport/status/:list', () => {
  it('is the signed revocation list, cached 30 s, and verifies with @digitalbazaar/vc', async () => {
    const response = await request(lrs.app).get('/plugins/passport/status/1').expect(200);
    expect(response.headers).toMatchObject({ 'cache-control': 'public, max-age=30', 'access-control-allow-origin': '*' });
    expect(response.body).toMatchObject({
      id: 'http://lrs.test/plugins/passport/status/1',
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: DID,
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' },
    });
    const didDocument = (await request(lrs.app).get('/plugins/passport/did.json')).body as { verificationMethod: object[] };
    const { vc, bundledContexts, suite } = vcBundle();
    const loader: DocumentLoader = async (url) => {
      const document = bundledContexts.get(url) ?? (url === DID ? didDocument : url === `${DID}#key-1` ? didDocument.verificationMethod[0] : undefined);
      if (document === undefined) throw new Error(`not offline: ${url}`);
      return { contextUrl: null, documentUrl: url, document };
    };
    await expect(vc.verifyCredential({ credential: response.body, suite: suite(), documentLoader: loader })).resolves.toMatchObject({ verified: true });
  });

  it.each(['2', '0', 'abc'])('answers 404 STATUS_LIST_NOT_FOUND for list %s', async (list) => {
    const response = await request(lrs.app).get(`/plugins/passport/status/${list}`).expect(404);
    expect(response.body).toMatchObject({ code: 'STATUS_LIST_NOT_FOUND' });
  });
});

describe('GET /plugins/passport/static/verify.js', () => {
  it('is the browser verifier, cached for good at its versioned URL and revalidated otherwise', async () => {
    const versioned = await request(lrs.app).get(verifierScriptPath()).expect(200);
    expect(versioned.headers['content-type']).toMatch(/^text\/javascript/);
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(versioned.text).toMatch(/export\s*\{[^}]*verifyShare/);
    const unversioned = await request(lrs.app).get('/plugins/passport/static/verify.js').expect(200);
    expect(unversioned.headers['cache-control']).toBe('no-cache');
    expect(unversioned.headers.etag).toBeDefined();
  });
});
