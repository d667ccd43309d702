/**
 * Issue 12's goal "Hostile input": a score outside 1–5, a rating of oneself, of a session the
 * rater never attended, or a flood from one credential is refused or counted as the rules say,
 * never a 5xx. Over HTTP on the whole LRS (InstitutionsLrs), on the engine under test.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../test-support/app';
import { testEngine } from '../../../test-support/backends';
import { attended, newSession, person, rated, ReputationTestLrs, SCHOOL } from '../../../test-support/reputation';
import { PROFILE_CATEGORY } from './vocabulary';

/** A rating statement of the profile (peers), with the fields the shapes below replace. */
type Rating = { id: string; object: object; context: Record<string, unknown>; [field: string]: unknown };
const rating = (rater: object, ratee: object, session: string, score = 4) => rated(rater, ratee, session, { score }) as Rating;

const REPUTATION_PROFILE = 'https://w3id.org/keiko/profiles/reputation';
const NOTHING = { current: null, historical: null, totalRatings: 0, recentRatings: 0 };

let lrs: ReputationTestLrs;
let reader: string;

beforeAll(async () => {
  lrs = await ReputationTestLrs.start();
  reader = await lrs.lrs.credential(['plugins/reputation/read'], 'Reputation reader');
});
afterAll(() => lrs.close());

const post = (statements: object | object[], auth = lrs.school) =>
  request(lrs.lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(statements);
const statementStatus = async (id: string) =>
  (await request(lrs.lrs.app).get(`/xapi/statements?statementId=${id}`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.lrs.auth)).status;
const agentQuery = (agent: unknown) => `agent=${encodeURIComponent(typeof agent === 'string' ? agent : JSON.stringify(agent))}`;
const scoreOf = (agent: object) => lrs.read('score', agent, 200, reader);
const explainOf = (agent: object) => lrs.read('explain', agent, 200, reader);
const setProfileMode = (mode: 'reject' | 'warn') =>
  request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: REPUTATION_PROFILE, mode }).expect(200);

/** Two people who attended one session (School LMS says so). */
async function sharedSession() {
  const session = newSession();
  const [rater, ratee] = [person('Rater'), person('Ratee')];
  await lrs.store(attended(session, rater, ratee));
  return { session, rater, ratee };
}

/** The rating counts nowhere: the ratee's score has none, /explain lists none. */
async function expectCountsNowhere(ratee: object): Promise<void> {
  expect(await scoreOf(ratee)).toMatchObject(NOTHING);
  expect(await explainOf(ratee)).toMatchObject({ ...NOTHING, contributions: [] });
}

/** POSTs the statements as one batch: 400 with this code and message, none of them stored, nothing counted. */
async function expectRefused(statements: Array<{ id: string }>, ratee: object, code: string, message: RegExp): Promise<void> {
  const response = await post(statements.length === 1 ? statements[0]! : statements);
  expect(response.status).toBe(400);
  expect(response.body).toEqual({ code, message: expect.stringMatching(message) });
  for (const { id } of statements) expect(await statementStatus(id)).toBe(404);
  await lrs.delivered();
  await expectCountsNowhere(ratee);
}

async function expectCounted(ratee: object, ratingIds: string[]): Promise<void> {
  const explained = await explainOf(ratee);
  expect(explained).toMatchObject({ totalRatings: ratingIds.length, recentRatings: ratingIds.length });
  expect(explained.contributions.map((contribution: { ratingId: string }) => contribution.ratingId).sort()).toEqual([...ratingIds].sort());
}

type Shape = (statement: Rating) => object;
/** Rating statements the reputation profile's "Person rated" template refuses, and the rule each breaks. */
const PROFILE_VIOLATIONS: Array<[string, Shape, RegExp]> = [
  ['a score of 0 (no min/max)', (s) => ({ ...s, result: { score: { raw: 0 } } }), /templates\/person-rated.*at \$\.result\.score\.raw expected any of \[1,2,3,4,5\], found \[0\]/],
  ['a score of 6 (on a 1–10 scale)', (s) => ({ ...s, result: { score: { raw: 6, min: 1, max: 10 } } }), /at \$\.result\.score\.raw expected any of \[1,2,3,4,5\], found \[6\]/],
  ['a score of 4.5', (s) => ({ ...s, result: { score: { raw: 4.5, min: 1, max: 5 } } }), /at \$\.result\.score\.raw expected any of \[1,2,3,4,5\], found \[4\.5\]/],
  ['no parent session', (s) => ({ ...s, context: { ...s.context, contextActivities: { category: [PROFILE_CATEGORY] } } }), /no template: .*determining properties of none of them/],
  ['a Group as ratee', (s) => ({ ...s, object: { objectType: 'Group', name: 'Study group', member: [s.object] } }), /at \$\.object\.objectType expected only values from \["Agent"\], found \["Group"\]/],
];

/** Rating statements no LRS accepts (xAPI Data 2.4.5.1): refused in every mode. */
const INVALID_XAPI: Array<[string, Shape, RegExp]> = [
  ['a score of 0 on the 1–5 scale', (s) => ({ ...s, result: { score: { raw: 0, min: 1, max: 5 } } }), /score\.raw: must not be less than min \(1\)/],
  ['a score of 6 on the 1–5 scale', (s) => ({ ...s, result: { score: { raw: 6, min: 1, max: 5 } } }), /score\.raw: must not be greater than max \(5\)/],
  ['a score "5" (a string)', (s) => ({ ...s, result: { score: { raw: '5', min: 1, max: 5 } } }), /score\.raw: must be a number \(found "5"\)/],
];

describe('ratings outside the rules, with the reputation profile in reject mode', () => {
  beforeAll(() => setProfileMode('reject'));
  afterAll(() => setProfileMode('warn'));

  it.each(PROFILE_VIOLATIONS)('%s: 400 PROFILE_VIOLATION naming the rule, nothing stored', async (_what, shape, rule) => {
    const { session, rater, ratee } = await sharedSession();
    await expectRefused([shape(rating(rater, ratee, session)) as Rating], ratee, 'PROFILE_VIOLATION', rule);
  });

  it('refuses the whole batch when one rating of it breaks a rule', async () => {
    const { session, rater, ratee } = await sharedSession();
    const good = rating(rater, ratee, session, 5);
    const bad = { ...rating(rater, ratee, session), result: { score: { raw: 4.5, min: 1, max: 5 } } };
    await expectRefused([good, bad], ratee, 'PROFILE_VIOLATION', /^statements\[1\] does not conform/);
  });
});

describe('ratings outside the rules, with the reputation profile in warn mode (the default)', () => {
  it.each(PROFILE_VIOLATIONS)('%s: stored with a warn report, counted nowhere', async (_what, shape, rule) => {
    const { session, rater, ratee } = await sharedSession();
    const statement = shape(rating(rater, ratee, session)) as { id: string };
    await lrs.store([statement]);
    expect(await statementStatus(statement.id)).toBe(200);
    const report = await request(lrs.lrs.app).get(`/profiles/reports?statementId=${statement.id}`).set('Authorization', lrs.admin).expect(200);
    expect(report.body.profiles).toEqual([expect.objectContaining({ profileId: REPUTATION_PROFILE })]);
    expect(JSON.stringify(report.body)).toMatch(rule.source.includes('determining') ? /determining properties/ : /\$\.(result\.score\.raw|object\.objectType)/);
    await expectCountsNowhere(ratee);

    const valid = rating(rater, ratee, session, 3);
    await lrs.store([valid]);
    await expectCounted(ratee, [valid.id]);
  });
});

describe.each(['reject', 'warn'] as const)('ratings that are not valid xAPI, in %s mode', (mode) => {
  beforeAll(() => setProfileMode(mode));
  afterAll(() => setProfileMode('warn'));

  it.each(INVALID_XAPI)('%s: 400 INVALID_STATEMENT, nothing stored', async (_what, shape, message) => {
    const { session, rater, ratee } = await sharedSession();
    await expectRefused([shape(rating(rater, ratee, session)) as Rating], ratee, 'INVALID_STATEMENT', message);
  });
});

describe('a rating of oneself counts nowhere (the profile cannot see it: it is stored in reject mode too)', () => {
  beforeAll(() => setProfileMode('reject'));
  afterAll(() => setProfileMode('warn'));

  it('by the same account', async () => {
    const session = newSession();
    const ana = person('Ana');
    await lrs.store(attended(session, ana));
    const self = rating(ana, { ...ana, name: 'Ana (again)' }, session, 5);
    await lrs.store([self]);
    expect(await statementStatus(self.id)).toBe(200);
    await expectCountsNowhere(ana);
  });

  it('by an mbox that differs only in the case of its domain (the same IFI, Data 2.3.1)', async () => {
    const session = newSession();
    const local = `ana-${randomUUID()}`;
    const [upper, lower] = [{ objectType: 'Agent', mbox: `mailto:${local}@School.Example` }, { objectType: 'Agent', mbox: `mailto:${local}@school.example` }];
    await lrs.store(attended(session, upper));
    await lrs.store([rating(upper, lower, session, 5), rating(lower, upper, session, 5)]);
    await expectCountsNowhere(upper);
    await expectCountsNowhere(lower);
  });
});

describe('a rating of a session the rater never attended (as an institution says) counts nowhere', () => {
  it('without any attendance of the rater; it counts once School LMS posts the attendance', async () => {
    const session = newSession();
    const [rater, ratee] = [person('Rater'), person('Ratee')];
    await lrs.store(attended(session, ratee));
    const unattended = rating(rater, ratee, session, 2);
    await lrs.store([unattended]);
    await expectCountsNowhere(ratee);

    await lrs.store(attended(session, rater));
    await expectCounted(ratee, [unattended.id]);
    expect(await scoreOf(ratee)).toMatchObject({ current: 2, historical: 2, totalRatings: 1, recentRatings: 1 });
  });

  it('with the attendance posted only by College LMS (no institution); it counts once School LMS posts it', async () => {
    const session = newSession();
    const [rater, ratee] = [person('Rater'), person('Ratee')];
    await lrs.store(attended(session, ratee));
    await lrs.store(attended(session, rater), lrs.college);
    const unattended = rating(rater, ratee, session, 2);
    await lrs.store([unattended], lrs.college);
    await expectCountsNowhere(ratee);

    await lrs.store(attended(session, rater));
    await expectCounted(ratee, [unattended.id]);
  });
});

const FLOOD_TIMEOUT_MS = 600_000;
/** Flood sizes: on MongoDB through FerretDB a rating costs ~180 ms to apply (docs/performance.md), so smaller ones there. */
const [SMALL_FLOOD, LARGE_FLOOD] = testEngine() === 'sqlite' ? [500, 2000] : [50, 200];

describe('a flood: one credential sends thousands of ratings of one person in one session', () => {
  /** ms from the first POST until every plugin handled the last batch, by flood size and batches. */
  const figures: string[] = [];
  afterAll(() => {
    console.log(`reputation flood (${testEngine()}): ${figures.join('; ')}`);
  });

  /** Posts the statements in `batches` equal batches (by College LMS) and waits until every plugin handled them; notes the time. */
  async function deliver(what: string, statements: object[], batches: number): Promise<void> {
    const size = statements.length / batches;
    const started = performance.now();
    for (let batch = 0; batch < batches; batch++) {
      expect((await post(statements.slice(batch * size, (batch + 1) * size), lrs.college)).status).toBe(200);
      await caughtUp();
    }
    figures.push(`${what} ${statements.length} in ${batches}: ${Math.round(performance.now() - started)} ms`);
  }

  /** lrs.delivered() gives up after 10 s; a flood on FerretDB takes longer. */
  async function caughtUp(): Promise<void> {
    const deadline = Date.now() + FLOOD_TIMEOUT_MS;
    for (;;) {
      try {
        return await lrs.delivered();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  it.each([
    [SMALL_FLOOD, 1],
    [LARGE_FLOOD, 1],
    [SMALL_FLOOD, 20],
    [LARGE_FLOOD, 20],
  ])('%i ratings in %i batch(es): one counts, the first stored (in a batch, where stored is equal, the smallest id)', async (count, batches) => {
    const { session, rater, ratee } = await sharedSession();
    const flood = Array.from({ length: count }, () => rating(rater, ratee, session, 1));
    const first = flood.slice(0, count / batches).reduce((smallest, next) => (next.id < smallest.id ? next : smallest));
    first.result = { score: { raw: 5, min: 1, max: 5 } };
    await deliver('ratings', flood, batches);
    expect(await scoreOf(ratee)).toMatchObject({ current: 5, historical: 5, totalRatings: 1, recentRatings: 1 });
    await expectCounted(ratee, [first.id]);
  }, FLOOD_TIMEOUT_MS);

  it.each([SMALL_FLOOD, LARGE_FLOOD])('baseline: %i statements the plugin ignores, in one batch, change no score', async (count) => {
    const { session, rater, ratee } = await sharedSession();
    const experienced = { actor: rater, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { objectType: 'Activity', id: session } };
    await deliver('baseline (experienced)', Array.from({ length: count }, () => ({ ...experienced, id: randomUUID() })), 1);
    await expectCountsNowhere(ratee);
  }, FLOOD_TIMEOUT_MS);
});

describe('GET /plugins/reputation/score and /explain with a bad agent parameter', () => {
  const someone = { objectType: 'Agent', mbox: 'mailto:someone@school.example' };
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const BAD_AGENTS: Array<[string, string]> = [
    ['not JSON', '{mbox: someone'],
    ['a JSON array', JSON.stringify([someone])],
    ['a JSON string', JSON.stringify('mailto:someone@school.example')],
    ['null', 'null'],
    ['nested 2,000 levels deep', nested(2000)],
    ['an object nested 500 levels deep inside the agent', JSON.stringify({ ...someone, account: JSON.parse(`${'{"a":'.repeat(500)}1${'}'.repeat(500)}`) })],
    ['a 10,000-character mbox', JSON.stringify({ mbox: `mailto:${'x'.repeat(10_000)}` })],
    ['two IFIs', JSON.stringify({ ...someone, account: { homePage: SCHOOL, name: 'someone' } })],
    ['no IFI', JSON.stringify({ objectType: 'Agent', name: 'Someone' })],
    ['a Group', JSON.stringify({ objectType: 'Group', mbox: 'mailto:group@school.example' })],
    ['an anonymous Group', JSON.stringify({ objectType: 'Group', member: [someone] })],
    ['an mbox that is no mailto IRI', JSON.stringify({ mbox: 'someone@school.example' })],
    ['an empty string', ''],
  ];

  describe.each(['score', 'explain'] as const)('/%s', (route) => {
    it.each(BAD_AGENTS)('%s: 400 INVALID_PARAMETER saying what is wrong with the agent', async (_what, agent) => {
      expect(await lrs.read(route, agent, 400, reader)).toEqual({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/agent/i) });
    });

    it('without the parameter: 400 MISSING_PARAMETER; with it twice: 400 INVALID_PARAMETER', async () => {
      const once = agentQuery(someone);
      for (const [query, code] of [['', 'MISSING_PARAMETER'], [`?${once}&${once}`, 'INVALID_PARAMETER']]) {
        const response = await request(lrs.lrs.app).get(`/plugins/reputation/${route}${query}`).set('Authorization', reader);
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ code, message: expect.stringMatching(/agent/) });
      }
    });

    it.each([
      ['nested 10,000 levels deep', nested(10_000)],
      ['a 1 MB string', JSON.stringify({ account: { homePage: SCHOOL, name: 'x'.repeat(1024 * 1024) } })],
    ])('%s: 431 from the HTTP server (the request head is over 16 KiB), never 5xx', async (_what, agent) => {
      const response = await request(lrs.lrs.app).get(`/plugins/reputation/${route}?${agentQuery(agent)}`).set('Authorization', reader);
      expect(response.status).toBe(431);
    });

    it('an agent nobody rated: 200 with nulls and zeros', async () => {
      expect(await lrs.read(route, { objectType: 'Agent', mbox: `mailto:${randomUUID()}@nowhere.example` }, 200, reader)).toMatchObject(NOTHING);
    });

    it('without credentials: 401; a credential without a read scope: 403; statements/read is enough', async () => {
      const anonymous = await request(lrs.lrs.app).get(`/plugins/reputation/${route}?${agentQuery(someone)}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(await lrs.read(route, someone, 403, lrs.school)).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/scope|read/) });
      await lrs.read(route, someone, 200, await lrs.lrs.credential(['statements/read']));
    });
  });
});
