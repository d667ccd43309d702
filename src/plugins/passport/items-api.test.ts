import request from 'supertest';
import { account, activity, COMPLETED, ids, items, ITEMS, mbox, PassportTestLrs, statement } from '../../../test-support/passport';

/**
 * GET /plugins/passport/api/items over HTTP on the whole LRS: statements POSTed through /xapi by
 * institution credentials, delivered to the plugin by the durable event delivery, read by a person
 * signed in through a login link (test-support/passport.ts).
 */
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

let passport: PassportTestLrs;

beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

const store = (statements: object[], auth?: string) => passport.store(statements, auth);
const signedIn = () => passport.signedIn();
const link = (personId: string, identity: object) => passport.link(personId, identity);

describe('the timeline of the signed-in person', () => {
  it('holds the statements about them as actor, Agent object, Group member and instructor, newest first, with what an item shows', async () => {
    const { browser, identity } = await signedIn();
    const stranger = account();
    const [asActor] = await store([
      statement(identity, {
        object: activity('Matrices quiz', 'http://adlnet.gov/expapi/activities/assessment', 'Five questions on matrices'),
        result: { score: { scaled: 0.9, raw: 9, min: 0, max: 10 }, success: true, completion: true, duration: 'PT5M', response: 'secret' },
        context: {
          contextActivities: {
            parent: [{ id: 'https://school.example/classes/algebra-3' }],
            grouping: [{ id: 'https://school.example/courses/maths' }],
          },
        },
      }),
    ]);
    const [asObject] = await store([statement(stranger, { verb: { id: 'http://adlnet.gov/expapi/verbs/mentored' }, object: { objectType: 'Agent', ...identity } })]);
    const [asMember] = await store([statement({ objectType: 'Group', name: 'Team', member: [stranger, identity] })]);
    const [asInstructor] = await store([statement(stranger, { context: { instructor: identity } })]);
    await store([statement(stranger)]);

    const page = await items(browser);
    expect(ids(page)).toEqual([asInstructor, asMember, asObject, asActor]);
    expect(page.items.map((item) => item.role)).toEqual(['instructor', 'member', 'object', 'actor']);
    expect(page.next).toBeUndefined();
    const item = page.items[3]!;
    expect(item).toEqual({
      statementId: asActor,
      stored: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      role: 'actor',
      kind: 'interaction',
      verb: { id: COMPLETED, display: { 'en-US': 'completed' } },
      object: {
        objectType: 'Activity',
        id: expect.stringMatching(/^https:\/\/school\.example\/activities\//),
        name: { 'en-US': 'Matrices quiz' },
        description: { 'en-US': 'Five questions on matrices' },
        type: 'http://adlnet.gov/expapi/activities/assessment',
      },
      result: { score: { scaled: 0.9, raw: 9, min: 0, max: 10 }, success: true, completion: true, duration: 'PT5M' },
      institution: { id: expect.stringMatching(/^account:http:\/\/lrs\.test\/\|/), name: 'School LMS' },
      parents: ['https://school.example/classes/algebra-3'],
      groupings: ['https://school.example/courses/maths'],
      anchoring: { state: 'not-anchored' },
    });
  });

  it('shows the statements of an identity linked later at once, and a statement about two of their identities once', async () => {
    const { browser, identity, personId } = await signedIn();
    const email = mbox();
    const [beforeLink] = await store([statement({ mbox: email.mbox.replace('@Example.org', '@EXAMPLE.org') })]);
    // The domain of an e-mail address is case-insensitive: the same IFI as the one linked below.
    const [aboutBoth] = await store([statement(identity, { context: { instructor: { mbox: email.mbox.replace('@Example.org', '@example.ORG') } } })]);
    expect(ids(await items(browser))).toEqual([aboutBoth]);

    await link(personId, email);
    expect(ids(await items(browser))).toEqual([aboutBoth, beforeLink]);
  });

  it('never shows another person\'s statements, nor those of an identity the person does not have', async () => {
    const ana = await signedIn();
    const ben = await signedIn();
    const [anas] = await store([statement(ana.identity)]);
    const [bens] = await store([statement(ben.identity)]);
    expect(ids(await items(ana.browser))).toEqual([anas]);
    expect(ids(await items(ben.browser))).toEqual([bens]);
  });

  it('drops a statement once it is voided, and never shows the voiding statement', async () => {
    const { browser, identity } = await signedIn();
    const [kept, voided] = await store([statement(identity), statement(identity)]);
    expect(new Set(ids(await items(browser)))).toEqual(new Set([kept, voided]));
    await store([statement(identity, { verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: voided } })]);
    expect(ids(await items(browser))).toEqual([kept]);
  });

  it('shows a StatementRef of theirs as such, but not someone else\'s statement referring to theirs, nor a SubStatement about them', async () => {
    const { browser, identity } = await signedIn();
    const tutor = account();
    const [own] = await store([statement(identity)]);
    const [reply] = await store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/commented' }, object: { objectType: 'StatementRef', id: own } })]);
    await store([statement(tutor, { verb: { id: 'http://adlnet.gov/expapi/verbs/commented' }, object: { objectType: 'StatementRef', id: own } })]);
    await store([statement(tutor, { object: { objectType: 'SubStatement', actor: identity, verb: { id: COMPLETED }, object: activity('Homework') } })]);
    const page = await items(browser);
    expect(ids(page)).toEqual([reply, own]);
    expect(page.items[0]!.object).toEqual({ objectType: 'StatementRef', id: own });
  });
});

describe('filters', () => {
  let browser: request.Agent;
  let course: string;
  let badge: string;
  let fromCollege: string;
  let lesson: string;

  beforeAll(async () => {
    const person = await signedIn();
    browser = person.browser;
    [course] = await store([statement(person.identity, { object: activity('Advanced Mathematics', 'http://adlnet.gov/expapi/activities/course') })]);
    [badge] = await store([statement(person.identity, { verb: { id: 'http://id.tincanapi.com/verb/earned' }, object: activity('Algebra badge', 'http://activitystrea.ms/schema/1.0/badge') })]);
    [lesson] = await store([
      statement(person.identity, {
        object: {
          objectType: 'Activity',
          id: 'https://school.example/lessons/1',
          definition: { name: { 'es-ES': 'Álgebra lineal' }, description: { 'en-US': 'Systems of EQUATIONS' }, type: 'http://adlnet.gov/expapi/activities/lesson' },
        },
      }),
    ]);
    [fromCollege] = await store([statement(person.identity, { object: activity('Poetry workshop', 'http://id.tincanapi.com/activitytype/tutor-session') })], passport.college);
  });

  it('by kind, from the activity type', async () => {
    expect(ids(await items(browser, '?kind=course'))).toEqual([course]);
    expect(ids(await items(browser, '?kind=achievement'))).toEqual([badge]);
    expect(ids(await items(browser, '?kind=class'))).toEqual([lesson]);
    expect(ids(await items(browser, '?kind=session'))).toEqual([fromCollege]);
    expect(ids(await items(browser, '?kind=interaction'))).toEqual([]);
  });

  it('by institution, the authority an item names', async () => {
    const all = await items(browser);
    const collegeId = all.items.find((item) => item.statementId === fromCollege)!.institution.id as string;
    expect(all.items.find((item) => item.statementId === fromCollege)!.institution.name).toBe('College LMS');
    expect(ids(await items(browser, `?institution=${encodeURIComponent(collegeId)}`))).toEqual([fromCollege]);
    const schoolId = all.items.find((item) => item.statementId === course)!.institution.id as string;
    expect(ids(await items(browser, `?institution=${encodeURIComponent(schoolId)}`))).toEqual([lesson, badge, course]);
  });

  it('by text in activity names and descriptions, in any language and case', async () => {
    expect(ids(await items(browser, '?q=MATH'))).toEqual([course]);
    expect(ids(await items(browser, `?q=${encodeURIComponent('álgebra')}`))).toEqual([lesson]);
    expect(ids(await items(browser, '?q=equations'))).toEqual([lesson]);
    expect(ids(await items(browser, '?q=algebra'))).toEqual([badge]);
    expect(ids(await items(browser, '?q=chemistry'))).toEqual([]);
    expect(ids(await items(browser, '?q=a&kind=course'))).toEqual([course]);
  });
});

describe('paging', () => {
  it('walks the timeline newest first in pages of `limit`, each item once, with `next` until the last page', async () => {
    const { browser, identity, personId } = await signedIn();
    const email = mbox();
    await link(personId, email);
    const stored: string[] = [];
    // Half of them about both identities: they must not take two places on a page.
    for (let n = 0; n < 7; n += 1) stored.unshift(...(await store([statement(identity, n % 2 === 0 ? { context: { instructor: email } } : {})])));
    const walked: string[][] = [];
    let query = '?limit=3';
    for (;;) {
      const page = await items(browser, query);
      walked.push(ids(page));
      if (page.next === undefined) break;
      query = `?limit=3&cursor=${encodeURIComponent(page.next)}`;
    }
    expect(walked).toEqual([stored.slice(0, 3), stored.slice(3, 6), stored.slice(6)]);
    expect((await items(browser)).items).toHaveLength(7);
  });

  it('pages the text search too', async () => {
    const { browser, identity } = await signedIn();
    const stored: string[] = [];
    for (let n = 0; n < 3; n += 1) stored.unshift(...(await store([statement(identity, { object: activity(`Geometry ${n}`) }), statement(identity)])));
    const first = await items(browser, '?q=geometry&limit=2');
    expect(first.items.map((item) => item.object.name['en-US'])).toEqual(['Geometry 2', 'Geometry 1']);
    const second = await items(browser, `?q=geometry&limit=2&cursor=${first.next}`);
    expect(second.items.map((item) => item.object.name['en-US'])).toEqual(['Geometry 0']);
    expect(second.next).toBeUndefined();
  });
});

describe('requests it refuses', () => {
  it.each([
    ['?limit=0', 'INVALID_PARAMETER', /limit/],
    ['?limit=201', 'INVALID_PARAMETER', /limit/],
    ['?limit=ten', 'INVALID_PARAMETER', /limit/],
    ['?kind=lecture', 'INVALID_PARAMETER', /kind must be one of course, class, session, achievement, interaction/],
    ['?cursor=bm90LWEtY3Vyc29y', 'INVALID_PARAMETER', /cursor/],
    ['?q=', 'INVALID_PARAMETER', /q must be/],
    [`?q=${'x'.repeat(201)}`, 'INVALID_PARAMETER', /q must be/],
    ['?q=a&q=b', 'INVALID_PARAMETER', /given once/],
    ['?sort=asc', 'UNKNOWN_PARAMETER', /sort/],
  ])('%s: 400 %s saying why', async (query, code, message) => {
    const { browser } = await signedIn();
    const response = await browser.get(`${ITEMS}${query}`).expect(400);
    expect(response.body.code).toBe(code);
    expect(response.body.message).toMatch(message);
  });

  it('asks an API client without a session to sign in (401), and sends a browser to the sign-in page (303)', async () => {
    const api = await request(passport.lrs.app).get(ITEMS).set('Accept', 'application/json').expect(401);
    expect(api.body.code).toBe('SIGN_IN_REQUIRED');
    expect((await request(passport.lrs.app).get(ITEMS).set('Authorization', passport.lrs.auth).expect(401)).body.code).toBe('SIGN_IN_REQUIRED');
    const browser = await request(passport.lrs.app).get(`${ITEMS}?kind=course`).set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8').expect(303);
    expect(browser.headers.location).toBe(`/sign-in?return=${encodeURIComponent(`${ITEMS}?kind=course`)}`);
  });
});
