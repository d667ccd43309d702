import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../test-support/app';
import { sampleStatement } from '../test-support/statements';

let lrs: TestLrs;
beforeAll(async () => {
  lrs = await createTestLrs();
});
afterAll(async () => {
  await lrs.close();
});

const get = (path: string, auth = lrs.auth) =>
  request(lrs.app).get(`/xapi${path}`).set(XAPI_VERSION_HEADER).set('Authorization', auth);
const post = (body: unknown, auth = lrs.auth) =>
  request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(body as object);
const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

describe('Communication 2.5 Activities resource', () => {
  const activityWith = (id: string, name: Record<string, string>, extra: Record<string, unknown> = {}) =>
    sampleStatement({ object: { id, definition: { name, type: 'http://adlnet.gov/expapi/activities/meeting', ...extra } } });

  it('returns the definition merged from every statement, language maps combined (2.5.s1)', async () => {
    const id = `http://example.org/activities/${randomUUID()}`;
    await post([activityWith(id, { 'en-US': 'example meeting' }), activityWith(id, { 'fr-FR': 'réunion' })]).expect(200);
    await post(activityWith(id, { 'es-ES': 'reunión' }, { description: { 'en-US': 'A meeting' } })).expect(200);
    const activity = (await get(`/activities${q({ activityId: id })}`).expect(200)).body;
    expect(activity).toMatchObject({ objectType: 'Activity', id });
    expect(activity.definition.name).toEqual({ 'en-US': 'example meeting', 'fr-FR': 'réunion', 'es-ES': 'reunión' });
    expect(activity.definition.description).toEqual({ 'en-US': 'A meeting' });
  });

  it('learns definitions from context activities too', async () => {
    const parent = `http://example.org/parents/${randomUUID()}`;
    await post(sampleStatement({ context: { contextActivities: { parent: [{ id: parent, definition: { name: { en: 'Course' } } }] } } })).expect(200);
    expect((await get(`/activities${q({ activityId: parent })}`).expect(200)).body.definition.name).toEqual({ en: 'Course' });
  });

  it('returns an Activity Object even without a definition (2.5.s2.b1)', async () => {
    const id = `http://example.org/unknown/${randomUUID()}`;
    expect((await get(`/activities${q({ activityId: id })}`).expect(200)).body).toEqual({ objectType: 'Activity', id });
  });

  it('does not update canonical definitions from a credential without define scope (Communication 4.2)', async () => {
    const writer = await lrs.credential(['statements/write']);
    const id = `http://example.org/activities/${randomUUID()}`;
    await post(activityWith(id, { en: 'original' })).expect(200);
    await post(activityWith(id, { en: 'overwritten' }), writer).expect(200);
    expect((await get(`/activities${q({ activityId: id })}`).expect(200)).body.definition.name).toEqual({ en: 'original' });
  });

  it('format=canonical uses the canonical definition (Communication 2.1.3 format)', async () => {
    const id = `http://example.org/activities/${randomUUID()}`;
    const [first] = (await post(activityWith(id, { 'en-US': 'old name' })).expect(200)).body as string[];
    await post(activityWith(id, { 'en-US': 'new name' })).expect(200);
    const canonical = (await get(`/statements${q({ statementId: first!, format: 'canonical' })}`).expect(200)).body;
    expect(canonical.object.definition.name).toEqual({ 'en-US': 'new name' });
    const exact = (await get(`/statements${q({ statementId: first! })}`).expect(200)).body;
    expect(exact.object.definition.name).toEqual({ 'en-US': 'old name' });
  });

  it.each([
    ['without activityId', ''],
    ['with an activityId that is not an IRI', q({ activityId: 'not an iri' })],
    ['with an unknown parameter', q({ activityId: 'http://example.org/a', extra: '1' })],
  ])('rejects a GET %s with 400', async (_name, query) => {
    await get(`/activities${query}`).expect(400);
  });
});

describe('Communication 2.4 Agents resource', () => {
  it('returns a Person with the names seen for the agent and its identifier as arrays (2.4.s5)', async () => {
    const mbox = `mailto:${randomUUID()}@example.org`;
    await post([
      sampleStatement({ actor: { mbox, name: 'Ana' } }),
      sampleStatement({ actor: { objectType: 'Group', member: [{ mbox, name: 'Ana María' }] } }),
    ]).expect(200);
    const person = (await get(`/agents${q({ agent: JSON.stringify({ mbox }) })}`).expect(200)).body;
    expect(person.objectType).toBe('Person');
    expect(person.mbox).toEqual([mbox]);
    expect([...person.name].sort()).toEqual(['Ana', 'Ana María']);
  });

  it('returns a Person for an agent the LRS has not seen', async () => {
    const account = { homePage: 'http://example.org', name: randomUUID() };
    const person = (await get(`/agents${q({ agent: JSON.stringify({ account }) })}`).expect(200)).body;
    expect(person).toEqual({ objectType: 'Person', account: [account] });
  });

  it.each([
    ['without agent', ''],
    ['with agent that is not JSON', q({ agent: 'mailto:x@example.org' })],
    ['with an agent of two IFIs', q({ agent: JSON.stringify({ mbox: 'mailto:a@x.org', openid: 'http://x.org/a' }) })],
  ])('rejects a GET %s with 400 (2.4.s3)', async (_name, query) => {
    await get(`/agents${query}`).expect(400);
  });

  it('needs a scope that reads statements', async () => {
    const writer = await lrs.credential(['statements/write']);
    await get(`/agents${q({ agent: JSON.stringify({ mbox: 'mailto:a@x.org' }) })}`, writer).expect(403);
  });
});
