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

const get = (query: string) =>
  request(lrs.app).get(`/xapi/statements${query}`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
const post = (body: unknown) =>
  request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(body as object);
const put = (id: string, body: unknown) =>
  request(lrs.app)
    .put(`/xapi/statements?statementId=${id}`)
    .set(XAPI_VERSION_HEADER)
    .set('Authorization', lrs.auth)
    .send(body as object);
/** A statement whose object is a StatementRef (platform/revision must then be absent, Data 2.4.6). */
const referring = (id: string, overrides: Record<string, unknown> = {}) =>
  sampleStatement({ object: { objectType: 'StatementRef', id }, context: {}, ...overrides });
const countMatching = async (query: string) => ((await get(query)).body.statements as unknown[]).length;

describe('Communication 2.1.1 PUT Statements', () => {
  it('stores the statement under statementId and answers 204 No Content', async () => {
    const id = randomUUID();
    await put(id, sampleStatement()).expect(204);
    const stored = await get(`?statementId=${id}`).expect(200);
    expect(stored.body.id).toBe(id);
  });

  it('requires the statementId parameter (2.1.1.s1.table1.row1)', async () => {
    const response = await request(lrs.app)
      .put('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .send(sampleStatement())
      .expect(400);
    expect(response.body.message).toMatch(/statementId/);
  });

  it('rejects a statement whose id differs from statementId (2.1.1.s3.b3)', async () => {
    await put(randomUUID(), { ...sampleStatement(), id: randomUUID() }).expect(400);
  });

  it('accepts the same statement again without change (2.1.1.s2.b2)', async () => {
    const id = randomUUID();
    const statement = sampleStatement();
    await put(id, statement).expect(204);
    const first = await get(`?statementId=${id}`);
    await put(id, statement).expect(204);
    const second = await get(`?statementId=${id}`);
    expect(second.body).toEqual(first.body);
  });

  it('answers 409 for an existing id with other content and keeps the original (2.1.1.s2.b3)', async () => {
    const id = randomUUID();
    const original = sampleStatement();
    await put(id, original).expect(204);
    const other = sampleStatement({ verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } });
    const response = await put(id, other).expect(409);
    expect(response.body.code).toBe('STATEMENT_CONFLICT');
    expect((await get(`?statementId=${id}`)).body.verb.id).toBe('http://adlnet.gov/expapi/verbs/completed');
  });
});

describe('Communication 2.1.2 POST Statements', () => {
  it('returns 200 and the ids in the order of the statements', async () => {
    const givenId = randomUUID();
    const response = await post([sampleStatement(), sampleStatement({ id: givenId }), sampleStatement()]).expect(200);
    expect(response.body).toHaveLength(3);
    expect(response.body[1]).toBe(givenId);
    for (const id of response.body as string[]) await get(`?statementId=${id}`).expect(200);
  });

  it('accepts a single statement as well as an array', async () => {
    const response = await post(sampleStatement()).expect(200);
    expect(response.body).toHaveLength(1);
  });

  it('rejects a batch with the same id twice and stores none of it (2.1.2.s2.b6)', async () => {
    const id = randomUUID();
    const other = randomUUID();
    await post([sampleStatement({ id: other }), sampleStatement({ id }), sampleStatement({ id })]).expect(400);
    await get(`?statementId=${other}`).expect(404);
  });

  it('stores nothing of a batch in which one statement is invalid', async () => {
    const good = randomUUID();
    const response = await post([sampleStatement({ id: good }), sampleStatement({ verb: { id: 'not an iri' } })]).expect(400);
    expect(response.body.message).toMatch(/statements\[1\]\.verb/);
    await get(`?statementId=${good}`).expect(404);
  });

  it('stores nothing of a batch in which one id conflicts with a stored statement (2.1.2.s2.b5)', async () => {
    const existing = randomUUID();
    await post(sampleStatement({ id: existing })).expect(200);
    const fresh = randomUUID();
    await post([
      sampleStatement({ id: fresh }),
      sampleStatement({ id: existing, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }),
    ]).expect(409);
    await get(`?statementId=${fresh}`).expect(404);
  });

  it('treats a batch re-sent after success as already stored (idempotent retry)', async () => {
    const batch = [sampleStatement({ id: randomUUID() }), sampleStatement({ id: randomUUID() })];
    const first = await post(batch).expect(200);
    const second = await post(batch).expect(200);
    expect(second.body).toEqual(first.body);
  });

  it('rejects malformed JSON with 400 and a message', async () => {
    const response = await request(lrs.app)
      .post('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .set('Content-Type', 'application/json')
      .send('{"actor": ')
      .expect(400);
    expect(response.body.code).toBe('INVALID_JSON');
  });

  it('rejects an empty batch', async () => {
    await post([]).expect(400);
  });
});

describe('Data 2.4 properties set by the LRS', () => {
  it('sets id, stored (ms precision), timestamp, authority and version (Data 2.4.1, 2.4.7–2.4.10)', async () => {
    const { timestamp: _omit, ...withoutTimestamp } = sampleStatement();
    const [id] = (await post(withoutTimestamp).expect(200)).body as string[];
    const statement = (await get(`?statementId=${id}`)).body;
    expect(statement.id).toBe(id);
    expect(statement.stored).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(statement.timestamp).toBe(statement.stored);
    expect(statement.version).toBe('1.0.0');
    expect(statement.authority.objectType).toBe('Agent');
    expect(statement.authority.account.homePage).toBe('http://lrs.test/');
  });

  it('overwrites a stored and authority sent by the client (Data 2.4.8.s3.b2, 2.4.9.s3.b4)', async () => {
    const [id] = (
      await post(
        sampleStatement({
          stored: '2001-01-01T00:00:00.000Z',
          authority: { objectType: 'Agent', mbox: 'mailto:forger@example.org' },
        }),
      ).expect(200)
    ).body as string[];
    const statement = (await get(`?statementId=${id}`)).body;
    expect(statement.stored).not.toBe('2001-01-01T00:00:00.000Z');
    expect(statement.authority.mbox).toBeUndefined();
  });

  it('keeps the timestamp as sent, with its precision (Data 2.4.7)', async () => {
    const timestamp = '2024-05-18T05:32:34.804+02:00';
    const [id] = (await post(sampleStatement({ timestamp })).expect(200)).body as string[];
    expect((await get(`?statementId=${id}`)).body.timestamp).toBe(timestamp);
  });

  it('returns contextActivities values as arrays (Data 2.4.6.2)', async () => {
    const statement = sampleStatement({
      context: { contextActivities: { parent: { id: 'http://example.org/parent' } } },
    });
    const [id] = (await post(statement).expect(200)).body as string[];
    const stored = (await get(`?statementId=${id}`)).body;
    expect(stored.context.contextActivities.parent).toEqual([{ id: 'http://example.org/parent' }]);
  });

  it('round-trips extension IRIs as keys, operator-like keys, nested arrays and floats exactly', async () => {
    const extensions = {
      'http://example.org/ext/a.b.c': { 'x.y': 1, $where: 'z', list: [[1, [2.5, { 'k.$': null }]], []] },
      'http://example.org/ext/float': 0.1 + 0.2,
    };
    const statement = sampleStatement({ result: { extensions } });
    const [id] = (await post(statement).expect(200)).body as string[];
    expect((await get(`?statementId=${id}`)).body.result.extensions).toEqual(extensions);
  });
});

describe('Communication 2.1.3 GET Statements', () => {
  it('returns a StatementResult with an empty "more" when there is nothing further (Data 2.5)', async () => {
    const response = await get(`?verb=${encodeURIComponent(`http://example.org/verbs/${randomUUID()}`)}`).expect(200);
    expect(response.body).toEqual({ statements: [], more: '' });
  });

  it('rejects statementId together with voidedStatementId (2.1.3.s2.b1)', async () => {
    await get(`?statementId=${randomUUID()}&voidedStatementId=${randomUUID()}`).expect(400);
  });

  it('rejects statementId with any parameter other than format and attachments (2.1.3.s2.b2)', async () => {
    await get(`?statementId=${randomUUID()}&limit=1`).expect(400);
    await get(`?statementId=${randomUUID()}&format=ids&attachments=false`).expect(404);
  });

  it.each([
    ['an unknown parameter', '?foo=bar'],
    ['a wrongly cased parameter', '?Limit=1'],
    ['a malformed agent', '?agent=%7Bnot-json'],
    ['an agent without an IFI', `?agent=${encodeURIComponent(JSON.stringify({ name: 'x' }))}`],
    ['a verb that is not an IRI', '?verb=completed'],
    ['a registration that is not a UUID', '?registration=abc'],
    ['a malformed since', '?since=yesterday'],
    ['a negative limit', '?limit=-1'],
    ['an unknown format', '?format=full'],
    ['a non-boolean ascending', '?ascending=yes'],
    ['a repeated parameter', '?limit=1&limit=2'],
    ['a forged more cursor', '?more=abc'],
  ])('rejects %s with 400 and a message', async (_name, query) => {
    const response = await get(query).expect(400);
    expect(response.body.message).toEqual(expect.any(String));
  });

  it('sends X-Experience-API-Consistent-Through on every Statement resource response (2.1.3.s2.b5)', async () => {
    for (const response of [await get('').expect(200), await get('?foo=1').expect(400), await post({}).expect(400)]) {
      const header = response.headers['x-experience-api-consistent-through'];
      expect(Date.parse(header)).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  it('sends Last-Modified matching stored for a single statement (2.1.3.s2.b8)', async () => {
    const [id] = (await post(sampleStatement()).expect(200)).body as string[];
    const response = await get(`?statementId=${id}`).expect(200);
    expect(Date.parse(response.headers['last-modified'])).toBe(Math.floor(Date.parse(response.body.stored) / 1000) * 1000);
  });

  describe('filters', () => {
    const tag = randomUUID();
    const learner = { mbox: `mailto:${tag}@example.org` };
    const activity = `http://example.org/activities/${tag}`;
    const parent = `http://example.org/parents/${tag}`;
    const verb = `http://example.org/verbs/${tag}`;
    const registration = randomUUID();
    const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

    beforeAll(async () => {
      await post([
        sampleStatement({ actor: learner, verb: { id: verb }, object: { id: activity } }),
        sampleStatement({
          actor: { mbox: 'mailto:someone@example.org' },
          verb: { id: verb },
          object: { objectType: 'Agent', ...learner },
          context: {}, // platform and revision are for Activity objects only
        }),
        sampleStatement({
          verb: { id: verb },
          object: { id: 'http://example.org/other' },
          context: { registration, contextActivities: { parent: [{ id: parent }] }, instructor: learner },
        }),
        sampleStatement({
          actor: { objectType: 'Group', member: [{ ...learner, objectType: 'Agent' }] },
          verb: { id: verb },
          object: { id: 'http://example.org/group-work' },
        }),
      ]).expect(200);
    });

    it('agent matches actor, Agent object and Group members, not instructor (table1.row3)', async () => {
      expect(await countMatching(q({ agent: JSON.stringify(learner) }))).toBe(3);
    });

    it('related_agents also matches instructor, team and authority (table1.row8)', async () => {
      expect(await countMatching(q({ agent: JSON.stringify(learner), related_agents: 'true' }))).toBe(4);
    });

    it('verb matches the verb id (table1.row4)', async () => {
      expect(await countMatching(q({ verb }))).toBe(4);
    });

    it('activity matches the object only; related_activities adds context activities (rows 5, 7)', async () => {
      expect(await countMatching(q({ activity }))).toBe(1);
      expect(await countMatching(q({ activity: parent }))).toBe(0);
      expect(await countMatching(q({ activity: parent, related_activities: 'true' }))).toBe(1);
    });

    it('registration matches context.registration (table1.row6)', async () => {
      expect(await countMatching(q({ registration }))).toBe(1);
    });

    it('filters combine with AND', async () => {
      expect(await countMatching(q({ verb, agent: JSON.stringify(learner), activity }))).toBe(1);
    });
  });

  it('since is exclusive and until inclusive of stored (table1.row9-10)', async () => {
    const verb = `http://example.org/verbs/${randomUUID()}`;
    const [first] = (await post(sampleStatement({ verb: { id: verb } })).expect(200)).body as string[];
    await post(sampleStatement({ verb: { id: verb } })).expect(200);
    const stored = (await get(`?statementId=${first}`)).body.stored as string;
    const v = encodeURIComponent(verb);
    expect(await countMatching(`?verb=${v}&since=${encodeURIComponent(stored)}`)).toBe(1);
    expect(await countMatching(`?verb=${v}&until=${encodeURIComponent(stored)}`)).toBe(1);
  });

  it('orders by stored, newest first, or oldest first with ascending=true (table1.row14)', async () => {
    const verb = `http://example.org/verbs/${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(...((await post(sampleStatement({ verb: { id: verb } }))).body as string[]));
    const v = encodeURIComponent(verb);
    expect((await get(`?verb=${v}`)).body.statements.map((s: { id: string }) => s.id)).toEqual([...ids].reverse());
    expect((await get(`?verb=${v}&ascending=true`)).body.statements.map((s: { id: string }) => s.id)).toEqual(ids);
  });

  it('pages with "more" without repeating or skipping while new statements arrive (Data 2.5)', async () => {
    const verb = `http://example.org/verbs/${randomUUID()}`;
    const batch = Array.from({ length: 7 }, () => sampleStatement({ verb: { id: verb } }));
    const ids = (await post(batch).expect(200)).body as string[];
    const seen: string[] = [];
    let next = `/xapi/statements?verb=${encodeURIComponent(verb)}&limit=3`;
    while (next !== '') {
      const page = await request(lrs.app).get(next).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(200);
      seen.push(...page.body.statements.map((s: { id: string }) => s.id));
      await post(sampleStatement({ verb: { id: verb } })).expect(200); // arrives during paging
      next = page.body.more;
      expect(page.body.statements.length).toBeLessThanOrEqual(3);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('format=ids keeps only identifiers (table1.row12)', async () => {
    const [id] = (await post(sampleStatement()).expect(200)).body as string[];
    const statement = (await get(`?statementId=${id}&format=ids`)).body;
    expect(statement.actor.name).toBeUndefined();
    expect(statement.actor.mbox).toMatch(/^mailto:/);
    expect(statement.verb).toEqual({ id: 'http://adlnet.gov/expapi/verbs/completed' });
    expect(Object.keys(statement.object)).toEqual(['id']);
  });

  it('format=canonical returns one language per map, chosen by Accept-Language (2.1.3.s4)', async () => {
    const [id] = (await post(sampleStatement()).expect(200)).body as string[];
    const canonical = await get(`?statementId=${id}&format=canonical`).set('Accept-Language', 'es-ES, en;q=0.5').expect(200);
    expect(canonical.body.verb.display).toEqual({ 'es-ES': 'completó' });
    expect(canonical.body.object.definition.name).toEqual({ 'es-ES': 'Álgebra lineal, lección 3' });
    const exact = await get(`?statementId=${id}`).set('Accept-Language', 'es-ES').expect(200);
    expect(Object.keys(exact.body.verb.display)).toHaveLength(2);
  });
});

describe('Communication 2.1.3.s3 Filter conditions for StatementRefs', () => {
  it('a statement targeting a matching statement matches too, recursively', async () => {
    const tag = randomUUID();
    const ben = { mbox: `mailto:ben-${tag}@example.org` };
    const [original] = (await post(sampleStatement({ actor: ben })).expect(200)).body as string[];
    const [confirmation] = (
      await post(referring(original!)).expect(200)
    ).body as string[];
    const [second] = (
      await post(referring(confirmation!)).expect(200)
    ).body as string[];
    const found = (await get(`?agent=${encodeURIComponent(JSON.stringify(ben))}`)).body.statements.map(
      (s: { id: string }) => s.id,
    );
    expect(found.sort()).toEqual([original, confirmation, second].sort());
  });

  it('applies when the targeted statement arrives after the one targeting it', async () => {
    const tag = randomUUID();
    const ann = { mbox: `mailto:ann-${tag}@example.org` };
    const laterId = randomUUID();
    const [reference] = (
      await post(referring(laterId)).expect(200)
    ).body as string[];
    await post(sampleStatement({ id: laterId, actor: ann })).expect(200);
    const found = (await get(`?agent=${encodeURIComponent(JSON.stringify(ann))}`)).body.statements.map(
      (s: { id: string }) => s.id,
    );
    expect(found.sort()).toEqual([laterId, reference].sort());
  });
});

describe('Communication 2.1.4 Voided statements', () => {
  const voidingOf = (id: string) =>
    referring(id, { verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } });

  it('a voided statement is found only by voidedStatementId, and never in queries', async () => {
    const verb = `http://example.org/verbs/${randomUUID()}`;
    const [target] = (await post(sampleStatement({ verb: { id: verb } })).expect(200)).body as string[];
    const [voiding] = (await post(voidingOf(target!)).expect(200)).body as string[];
    await get(`?statementId=${target}`).expect(404);
    expect((await get(`?voidedStatementId=${target}`).expect(200)).body.id).toBe(target);
    expect(await countMatching(`?verb=${encodeURIComponent(verb)}`)).toBe(1); // the voiding statement (2.1.4.s1.b2)
    expect((await get(`?verb=${encodeURIComponent(verb)}`)).body.statements[0].id).toBe(voiding);
  });

  it('a voiding statement cannot be voided (Data 2.3.2.s2.b3)', async () => {
    const [target] = (await post(sampleStatement()).expect(200)).body as string[];
    const [voiding] = (await post(voidingOf(target!)).expect(200)).body as string[];
    await post(voidingOf(voiding!)).expect(200);
    await get(`?statementId=${voiding}`).expect(200);
  });

  it('voids a statement that arrives after its voiding statement', async () => {
    const laterId = randomUUID();
    await post(voidingOf(laterId)).expect(200);
    await post(sampleStatement({ id: laterId })).expect(200);
    await get(`?statementId=${laterId}`).expect(404);
    await get(`?voidedStatementId=${laterId}`).expect(200);
  });

  it('voidedStatementId does not return a statement that is not voided', async () => {
    const [id] = (await post(sampleStatement()).expect(200)).body as string[];
    await get(`?voidedStatementId=${id}`).expect(404);
  });
});
