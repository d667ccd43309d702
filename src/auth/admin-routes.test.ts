import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../test-support/app';

/**
 * /admin/credentials over HTTP in the whole app: create (the secret shown once), list, revoke
 * (refused at once on this instance, despite the verified-credential cache), for `admin` only.
 */
describe('/admin/credentials', () => {
  let lrs: TestLrs;

  beforeEach(async () => {
    lrs = await createTestLrs({ PLUGINS: 'none' });
  });

  afterEach(async () => {
    await lrs.close();
  });

  const admin = () => ({ Authorization: lrs.auth });
  const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
  const readStatements = (authorization: string) =>
    request(lrs.app).get('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', authorization);

  it('creates a credential with the scopes asked for, its secret in the response alone', async () => {
    const created = await request(lrs.app).post('/admin/credentials').set(admin()).send({ name: 'Moodle', scopes: ['statements/read'] }).expect(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({
      key: expect.any(String),
      secret: expect.any(String),
      credential: { name: 'Moodle', scopes: ['statements/read'], status: 'active', authority: { account: { homePage: 'http://lrs.test/' } } },
    });
    await readStatements(basic(created.body.key, created.body.secret)).expect(200);

    const listed = await request(lrs.app).get('/admin/credentials').set(admin()).expect(200);
    const entry = listed.body.credentials.find((credential: { key: string }) => credential.key === created.body.key);
    expect(entry).toMatchObject({ name: 'Moodle', status: 'active' });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
  });

  it('gives the xAPI default scopes when none are asked for', async () => {
    const created = await request(lrs.app).post('/admin/credentials').set(admin()).send({ name: 'default' }).expect(201);
    expect(created.body.credential.scopes).toEqual(['statements/write', 'statements/read/mine']);
  });

  it.each([
    ['an unknown scope', { name: 'x', scopes: ['everything'] }, 'INVALID_CREDENTIAL', /everything/],
    ['a chosen secret', { name: 'x', secret: 'mine-mine-mine' }, 'INVALID_CREDENTIAL', /unknown field "secret"/],
    ['no name', { scopes: ['all'] }, 'INVALID_CREDENTIAL', /"name" must be a string/],
    ['scopes that are not strings', { name: 'x', scopes: [1] }, 'INVALID_CREDENTIAL', /"scopes" must be an array of strings/],
    ['an array body', [], 'INVALID_JSON', /JSON object/],
  ])('refuses %s with 400 and creates nothing', async (_case, body, code, message) => {
    const before = (await lrs.storage.credentials.list()).length;
    const response = await request(lrs.app).post('/admin/credentials').set(admin()).send(body).expect(400);
    expect(response.body).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await lrs.storage.credentials.list()).toHaveLength(before);
  });

  it('revokes a credential at once on this instance, although its verification is cached', async () => {
    const created = await request(lrs.app).post('/admin/credentials').set(admin()).send({ name: 'leaver', scopes: ['all'] }).expect(201);
    const auth = basic(created.body.key, created.body.secret);
    await readStatements(auth).expect(200); // now in the verified-credential cache
    await request(lrs.app).delete(`/admin/credentials/${encodeURIComponent(created.body.key)}`).set(admin()).expect(204);
    const refused = await readStatements(auth).expect(401);
    expect(refused.body.code).toBe('UNAUTHORIZED');
    const listed = await request(lrs.app).get('/admin/credentials').set(admin()).expect(200);
    expect(listed.body.credentials.find((credential: { key: string }) => credential.key === created.body.key)).toMatchObject({
      status: 'revoked',
      revokedAt: expect.any(String),
    });
  });

  it('answers 404 NO_SUCH_CREDENTIAL for an unknown or already revoked key', async () => {
    const response = await request(lrs.app).delete('/admin/credentials/nobody').set(admin()).expect(404);
    expect(response.body).toMatchObject({ code: 'NO_SUCH_CREDENTIAL', message: expect.stringContaining('nobody') });
  });

  it('is for admin credentials only', async () => {
    const writer = await lrs.credential(['all']);
    await request(lrs.app).get('/admin/credentials').expect(401);
    const forbidden = await request(lrs.app).post('/admin/credentials').set('Authorization', writer).send({ name: 'x' }).expect(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('admin') });
    await request(lrs.app).delete('/admin/credentials/anything').set('Authorization', writer).expect(403);
  });
});
