import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../test-support/app';
import { activity, ids, items, PassportTestLrs, statement } from '../../../test-support/passport';
import { NOTHING_HIDDEN, visibleTo, type PrivacySettings } from './privacy';

/** GET/PUT /plugins/passport/api/privacy and what hiding does to GET /plugins/passport/api/items, over HTTP. */
const PRIVACY = '/plugins/passport/api/privacy';
const BADGE = 'http://activitystrea.ms/schema/1.0/badge';

let passport: PassportTestLrs;

beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

type Browser = request.Agent;

const settings = (overrides: Partial<PrivacySettings['hiddenCategories']> & { hiddenItems?: string[] } = {}): PrivacySettings => {
  const { hiddenItems = [], ...categories } = overrides;
  return { hiddenItems, hiddenCategories: { ...NOTHING_HIDDEN.hiddenCategories, ...categories } };
};

function putPrivacy(browser: Browser, body: unknown) {
  return browser.put(PRIVACY).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

async function privacyOf(browser: Browser): Promise<PrivacySettings> {
  return (await browser.get(PRIVACY).set('Accept', 'application/json').expect(200)).body;
}

const hiddenIds = (page: Awaited<ReturnType<typeof items>>) => page.items.filter((item) => item.hidden === true).map((item) => item.statementId as string);

describe('privacy settings', () => {
  it('start with nothing hidden, and a PUT replaces them (statement ids lower-cased, duplicates dropped)', async () => {
    const { browser } = await passport.signedIn();
    expect(await privacyOf(browser)).toEqual(NOTHING_HIDDEN);

    const id = 'A1B2C3D4-0000-4000-8000-00000000000A';
    const given = settings({ hiddenItems: [id, id.toLowerCase()], kinds: ['session', 'session'], activities: ['https://school.example/courses/maths'], institutions: ['x'] });
    const stored = settings({ hiddenItems: [id.toLowerCase()], kinds: ['session'], activities: ['https://school.example/courses/maths'], institutions: ['x'] });
    expect((await putPrivacy(browser, given).expect(200)).body).toEqual(stored);
    expect(await privacyOf(browser)).toEqual(stored);

    expect((await putPrivacy(browser, NOTHING_HIDDEN).expect(200)).body).toEqual(NOTHING_HIDDEN);
    expect(await privacyOf(browser)).toEqual(NOTHING_HIDDEN);
  });

  it('are each person\'s own: hiding a statement about two people hides it for the one who hid it only', async () => {
    const owner = await passport.signedIn();
    const other = await passport.signedIn();
    const [shared] = await passport.store([statement(owner.identity, { context: { instructor: other.identity } })]);
    await putPrivacy(owner.browser, settings({ hiddenItems: [shared!] })).expect(200);

    expect(hiddenIds(await items(owner.browser))).toEqual([shared]);
    expect(await items(other.browser)).toEqual({ items: [expect.not.objectContaining({ hidden: true })] });
    expect(await privacyOf(other.browser)).toEqual(NOTHING_HIDDEN);
  });
});

describe('hidden items in the timeline', () => {
  let browser: Browser;
  let single: string, session: string, inCourse: string, fromCollege: string, visible: string;
  let collegeId: string;

  beforeAll(async () => {
    const person = await passport.signedIn();
    browser = person.browser;
    const me = person.identity;
    [single] = await passport.store([statement(me)]);
    [session] = await passport.store([statement(me, { object: activity('Tutoring', 'http://id.tincanapi.com/activitytype/tutor-session') })]);
    [inCourse] = await passport.store([statement(me, { context: { contextActivities: { grouping: [{ id: 'https://school.example/courses/private' }] } } })]);
    [fromCollege] = await passport.store([statement(me)], passport.college);
    [visible] = await passport.store([statement(me, { object: activity('Badge', BADGE) })]);
    collegeId = (await items(browser)).items.find((item) => item.statementId === fromCollege)!.institution.id;
    await putPrivacy(browser, settings({ hiddenItems: [single!], kinds: ['session'], activities: ['https://school.example/courses/private'], institutions: [collegeId] })).expect(200);
  });

  it('are listed to the owner with `hidden: true`, by id, kind, activity (a grouping) and institution', async () => {
    const page = await items(browser);
    expect(ids(page)).toEqual([visible, fromCollege, inCourse, session, single]);
    expect(hiddenIds(page)).toEqual([fromCollege, inCourse, session, single]);
    expect(page.items[0]).not.toHaveProperty('hidden');
  });

  it('are left out with includeHidden=false, pages following `next` past them', async () => {
    expect(ids(await items(browser, '?includeHidden=false'))).toEqual([visible]);
    const first = await items(browser, '?includeHidden=false&limit=1');
    expect(ids(first)).toEqual([visible]);
    // The rest of the timeline is hidden: the next page is empty and the last.
    expect(await items(browser, `?includeHidden=false&limit=1&cursor=${first.next}`)).toEqual({ items: [] });
    expect(ids(await items(browser, '?includeHidden=false&kind=achievement'))).toEqual([visible]);
  });

  it('stay in the LRS unchanged: hiding touches no statement', async () => {
    const response = await request(passport.lrs.app).get(`/xapi/statements?statementId=${single}`).set(XAPI_VERSION_HEADER).set('Authorization', passport.lrs.auth).expect(200);
    expect(response.body.id).toBe(single);
  });

  it('are what visibleTo leaves out of anything made for someone else', async () => {
    const page = await items(browser);
    const entries = page.items.map((item) => ({ ...item, institution: item.institution.id }));
    expect(visibleTo(entries as never[], await privacyOf(browser)).map((entry: { statementId: string }) => entry.statementId)).toEqual([visible]);
  });
});

describe('pages without hidden items', () => {
  it('read on past hidden stretches, but at most 10 timeline pages a request: then a short page with `next`', async () => {
    const { browser, identity } = await passport.signedIn();
    const badge = () => statement(identity, { object: activity('Badge', BADGE) });
    const [older] = await passport.store([badge()]);
    await passport.store(Array.from({ length: 12 }, () => statement(identity)));
    const [newer] = await passport.store([badge()]);
    await putPrivacy(browser, settings({ kinds: ['interaction'] })).expect(200);

    expect(await walk(browser, '?includeHidden=false&limit=2')).toEqual([[newer, older]]);
    // Pages of one read the timeline one entry at a time: the 12 hidden ones take more than one request.
    expect(await walk(browser, '?includeHidden=false&limit=1')).toEqual([[newer], [], [older]]);
  });
});

/** The ids of every page, following `next`. */
async function walk(browser: Browser, query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor = '';
  for (;;) {
    const page = await items(browser, `${query}${cursor}`);
    pages.push(ids(page));
    if (page.next === undefined) return pages;
    cursor = `&cursor=${page.next}`;
  }
}

describe('requests it refuses, changing nothing', () => {
  const UUID = '5f0c4b4e-9c53-4b8e-9d5f-2a0b9b3c7d11';
  it.each([
    ['an array', [], /the body must be an object/],
    ['a missing property', { hiddenItems: [] }, /the body is missing "hiddenCategories"/],
    ['an unknown property', { ...settings(), shared: true }, /unknown property "shared"/],
    ['an unknown category', { hiddenItems: [], hiddenCategories: { ...settings().hiddenCategories, verbs: [] } }, /hiddenCategories has an unknown property "verbs"/],
    ['an id that is not a UUID', settings({ hiddenItems: ['not-a-uuid'] }), /hiddenItems\[0\] must be a statement id/],
    ['a number for an id', { ...settings(), hiddenItems: [7] }, /hiddenItems\[0\] must be a string/],
    ['an unknown kind', settings({ kinds: ['badge' as never] }), /hiddenCategories.kinds\[0\] must be one of course, class, session, achievement, interaction/],
    ['an empty activity id', settings({ activities: [''] }), /hiddenCategories.activities\[0\] must be 1 to 2100 characters/],
    ['a list that is not one', { ...settings(), hiddenCategories: { ...settings().hiddenCategories, institutions: 'x' } }, /institutions must be an array/],
    ['too many items', settings({ hiddenItems: Array.from({ length: 5001 }, () => UUID) }), /hiddenItems holds at most 5000 values, got 5001/],
    ['too many activities', settings({ activities: Array.from({ length: 501 }, (_, index) => `a${index}`) }), /activities holds at most 500/],
  ])('%s: 400 INVALID_PRIVACY_SETTINGS saying why', async (_case, body, message) => {
    const { browser } = await passport.signedIn();
    await putPrivacy(browser, settings({ kinds: ['course'] })).expect(200);
    const response = await putPrivacy(browser, body).expect(400);
    expect(response.body).toEqual({ code: 'INVALID_PRIVACY_SETTINGS', message: expect.stringMatching(message) });
    expect(await privacyOf(browser)).toEqual(settings({ kinds: ['course'] }));
  });

  it('refuses a body that is not JSON (400 INVALID_JSON)', async () => {
    const { browser } = await passport.signedIn();
    const response = await browser.put(PRIVACY).set('Content-Type', 'application/json').send('{"hiddenItems":').expect(400);
    expect(response.body.code).toBe('INVALID_JSON');
  });

  it.each([
    ['a cross-site HTML form (urlencoded)', 'application/x-www-form-urlencoded', 'hiddenItems=x'],
    ['text/plain, which a form can also send', 'text/plain', JSON.stringify(settings({ kinds: ['achievement'] }))],
  ])('refuses %s with 415: the session cookie alone is not enough', async (_case, type, body) => {
    const { browser } = await passport.signedIn();
    const response = await browser.put(PRIVACY).set('Content-Type', type).send(body).expect(415);
    expect(response.body).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('application/json') });
    expect(await privacyOf(browser)).toEqual(NOTHING_HIDDEN);
  });

  it('answers 401 to anyone not signed in, even with LRS credentials', async () => {
    const { app, auth } = passport.lrs;
    expect((await request(app).get(PRIVACY).set('Accept', 'application/json').expect(401)).body.code).toBe('SIGN_IN_REQUIRED');
    const put = await request(app).put(PRIVACY).set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(settings())).expect(401);
    expect(put.body.code).toBe('SIGN_IN_REQUIRED');
  });

  it('refuses includeHidden other than true or false', async () => {
    const { browser } = await passport.signedIn();
    const response = await browser.get('/plugins/passport/api/items?includeHidden=no').set('Accept', 'application/json').expect(400);
    expect(response.body).toEqual({ code: 'INVALID_PARAMETER', message: 'includeHidden must be true or false, got "no"' });
  });
});
