import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { COMPLETED, PassportTestLrs, SCHOOL } from '../../../test-support/passport';
import { csrfFieldOf } from '../../../test-support/people';

/**
 * GET /plugins/passport/timeline over HTTP on the whole LRS (the shared passport harness):
 * statements POSTed by institution credentials, shown to people signed in through login links.
 */
const PAGE = '/plugins/passport/timeline';
const HTML = 'text/html,application/xhtml+xml,*/*;q=0.8';

let passport: PassportTestLrs;
beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

/** An activity named in English and Spanish, with the id given (or a new one). */
const activity = (name: string, type = 'http://adlnet.gov/expapi/activities/assessment', id = `${SCHOOL}/activities/${randomUUID()}`) => ({
  objectType: 'Activity',
  id,
  definition: { name: { 'en-US': name, 'es-ES': `${name} (es)` }, type },
});
const statement = (actor: object, overrides: Record<string, unknown> = {}) => ({
  actor,
  verb: { id: COMPLETED, display: { 'en-US': 'completed', es: 'completó' } },
  object: activity('Matrices quiz'),
  ...overrides,
});
const within = (parent: string, grouping: string[] = []) => ({ context: { contextActivities: { parent: [{ id: parent }], grouping: grouping.map((id) => ({ id })) } } });

async function timeline(browser: request.Agent, query = ''): Promise<string> {
  const response = await browser.get(`${PAGE}${query}`).set('Accept', HTML);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  return response.text;
}

/** Text without its tags, spaces collapsed. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
const mainText = (html: string) => textOf(/<main[^>]*>([\s\S]*)<\/main>/.exec(html)![1]!);
const olderLink = (html: string) => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('the timeline page', () => {
  it('sends a browser without a session to sign in and back', async () => {
    const response = await request(passport.lrs.app).get(`${PAGE}?kind=course`).set('Accept', HTML).expect(303);
    expect(response.headers.location).toBe(`/sign-in?return=${encodeURIComponent(`${PAGE}?kind=course`)}`);
  });

  it('shows each item with verb, activity, result and institution, newest first, and no one else\'s statements', async () => {
    const { browser, identity } = await passport.signedIn();
    const other = await passport.signedIn();
    await passport.store([statement(identity, { object: activity('Geometry test'), result: { score: { raw: 9, max: 10 }, success: true, completion: true, duration: 'PT5M' } })]);
    await passport.store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' }, object: activity('Essay draft') })], passport.college);
    await passport.store([statement(other.identity, { object: activity('Ben only') })]);

    const text = mainText(await timeline(browser));
    expect(text).toContain('Interaction completed Geometry test');
    expect(text).toContain('Score 9/10 · passed · completed · Duration PT5M · Recorded by School LMS');
    expect(text).toContain('attempted Essay draft');
    expect(text).toContain('Recorded by College LMS');
    expect(text.indexOf('Essay draft')).toBeLessThan(text.indexOf('Geometry test'));
    expect(text).not.toContain('Ben only');
    expect(mainText(await timeline(other.browser))).not.toContain('Geometry test');
  });

  it('dates each item by when the learning happened (its timestamp), not when it reached the LRS', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity, { object: activity('Backfilled exam'), timestamp: '2025-03-14T09:30:00+02:00' })]);
    const html = await timeline(browser);
    expect(html).toContain('<time datetime="2025-03-14T07:30:00.000Z">Mar 14, 2025, 7:30 AM</time>');
  });

  it('never shows a voided statement nor the voiding one', async () => {
    const { browser, identity } = await passport.signedIn();
    const [voided] = await passport.store([statement(identity, { object: activity('Withdrawn quiz') })]);
    await passport.store([statement(identity, { object: activity('Kept quiz') })]);
    expect(mainText(await timeline(browser))).toContain('Withdrawn quiz');
    await passport.store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } }, object: { objectType: 'StatementRef', id: voided } })]);
    const text = mainText(await timeline(browser));
    expect(text).toContain('Kept quiz');
    expect(text).not.toContain('Withdrawn quiz');
    expect(text).not.toContain('voided');
  });

  it('nests interactions in their session (collapsed), the session in its class and the class in its course (open)', async () => {
    const { browser, identity } = await passport.signedIn();
    const course = `${SCHOOL}/courses/${randomUUID()}`;
    const lesson = `${SCHOOL}/lessons/${randomUUID()}`;
    const session = `${SCHOOL}/sessions/${randomUUID()}`;
    await passport.store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/registered' }, object: activity('Mathematics', 'http://adlnet.gov/expapi/activities/course', course) })]);
    await passport.store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/attended' }, object: activity('Algebra 3', 'http://adlnet.gov/expapi/activities/lesson', lesson), ...within(course) })]);
    await passport.store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/attended' }, object: activity('Tutoring', 'http://id.tincanapi.com/activitytype/tutor-session', session), ...within(lesson, [course]) })]);
    await passport.store([statement(identity, { object: activity('Question 1'), ...within(session, [lesson, course]) }), statement(identity, { object: activity('Question 2'), ...within(session, [lesson, course]) })]);
    await passport.store([statement(identity, { object: activity('Loose quiz') })]);

    const html = await timeline(browser);
    const course0 = html.indexOf('<details open><summary><span class="timeline__kind">Course</span>');
    const class0 = html.indexOf('<details open><summary><span class="timeline__kind">Class</span>');
    const session0 = html.indexOf('<details><summary><span class="timeline__kind">Session</span>');
    expect([course0, class0, session0].every((at) => at >= 0)).toBe(true);
    expect(course0).toBeLessThan(class0);
    expect(class0).toBeLessThan(session0);
    expect(textOf(html.slice(session0))).toMatch(/^ Session attended Tutoring \(2 items\)/);
    expect(html.indexOf('Question 1')).toBeGreaterThan(session0);
    // The loose quiz is newest and stands at the top, before the course.
    expect(html.indexOf('Loose quiz')).toBeLessThan(course0);
  });

  it('filters by kind, institution and text from its GET form, keeping the filters in the form', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity, { object: activity('Algebra badge', 'http://activitystrea.ms/schema/1.0/badge') })]);
    await passport.store([statement(identity, { object: activity('Geometry quiz') })], passport.college);
    await passport.store([statement(identity, { object: activity('Algebra quiz') })]);

    const badges = await timeline(browser, '?kind=achievement&institution=&q=');
    expect(mainText(badges)).toContain('Algebra badge');
    expect(mainText(badges)).not.toMatch(/quiz/);
    expect(badges).toContain('<option value="achievement" selected>Achievement</option>');

    const institutionId = /<option value="([^"]+)">College LMS<\/option>/.exec(await timeline(browser))![1]!.replace(/&amp;/g, '&');
    const fromCollege = mainText(await timeline(browser, `?institution=${encodeURIComponent(institutionId)}`));
    expect(fromCollege).toContain('Geometry quiz');
    expect(fromCollege).not.toMatch(/Algebra/);

    const searched = await timeline(browser, '?kind=&q=ALGEBRA+Q');
    expect(mainText(searched)).toContain('Algebra quiz');
    expect(mainText(searched)).not.toMatch(/badge|Geometry/);
    expect(searched).toContain('value="algebra q"');
  });

  it('pages with an "Older items" link that keeps the filters, until the oldest', async () => {
    const { browser, identity } = await passport.signedIn();
    for (const name of ['Quiz 1', 'Quiz 2', 'Quiz 3', 'Quiz 4', 'Quiz 5']) await passport.store([statement(identity, { object: activity(name) })]);
    const first = await timeline(browser, '?limit=2&q=quiz&kind=interaction');
    expect(mainText(first)).toMatch(/Quiz 5.*Quiz 4/);
    const older = olderLink(first)!;
    expect(older).toMatch(/^\/plugins\/passport\/timeline\?kind=interaction&q=quiz&cursor=/);
    const second = await timeline(browser, `${older.slice(PAGE.length)}&limit=2`);
    expect(mainText(second)).toMatch(/Quiz 3.*Quiz 2/);
    expect(mainText(second)).not.toMatch(/Quiz 5|Quiz 4/);
    const last = await timeline(browser, `${olderLink(second)!.slice(PAGE.length)}&limit=2`);
    expect(mainText(last)).toContain('Quiz 1');
    expect(olderLink(last)).toBeUndefined();
  });

  it('speaks Spanish, and answers bad parameters with a 400 page that says why', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity, { object: activity('Quiz'), result: { success: false } })]);
    const text = mainText(await timeline(browser, '?lang=es'));
    expect(text).toContain('Tu pasaporte');
    expect(text).toContain('Interacción completó Quiz (es)');
    expect(text).toContain('no aprobado');
    const bad = await browser.get(`${PAGE}?kind=planet&lang=en`).set('Accept', HTML);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('kind must be one of');
  });

  it('shows the items the person hid with a "hidden" badge, and leaves them out with includeHidden=false', async () => {
    const { browser, identity } = await passport.signedIn();
    const [hiddenOne] = await passport.store([statement(identity, { object: activity('Private quiz') })]);
    await passport.store([statement(identity, { object: activity('Public quiz') })]);
    const settings = { hiddenItems: [hiddenOne], hiddenCategories: { kinds: [], activities: [], institutions: [] } };
    await browser.put('/plugins/passport/api/privacy').set('Accept', 'application/json').send(settings).expect(200);
    const html = await timeline(browser);
    expect(mainText(html)).toContain('Private quiz hidden');
    expect(mainText(html)).not.toMatch(/Public quiz hidden/);
    const visible = mainText(await timeline(browser, '?includeHidden=false'));
    expect(visible).toContain('Public quiz');
    expect(visible).not.toContain('Private quiz');
  });

  it('puts a Passport link in the site navigation', async () => {
    const { browser } = await passport.signedIn();
    const home = await browser.get('/').set('Accept', HTML).expect(200);
    expect(home.text).toContain('href="/plugins/passport/timeline"');
    expect(home.text.match(/>Passport<\/a>/g)).toHaveLength(1);
  });
});

/** Posts a timeline form as the page's own buttons do (the page's CSRF token unless `csrf` is given). */
async function submit(browser: request.Agent, path: string, fields: Record<string, string>, csrf?: string) {
  const token = csrf ?? csrfFieldOf(await timeline(browser));
  return browser
    .post(`${PAGE}/${path}`)
    .set('Accept', HTML)
    .type('form')
    .send({ _csrf: token, ...fields });
}
const privacyOf = async (browser: request.Agent) => (await browser.get('/plugins/passport/api/privacy').set('Accept', 'application/json').expect(200)).body;
/** The value of the button of form `form` on the page, for the item named `name`. */
const buttonFor = (html: string, form: string, name: string) =>
  new RegExp(`<button type="submit" form="${form}" name="[a-z]+" value="([^"]+)"[^>]*>[^<]*<span class="visually-hidden">: ${name}</span>`).exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('the timeline page\'s forms', () => {
  it('hides an item and shows it again, returning to the same page and filters', async () => {
    const { browser, identity } = await passport.signedIn();
    const [quiz] = await passport.store([statement(identity, { object: activity('Secret quiz') })]);
    await passport.store([statement(identity, { object: activity('Open quiz') })]);
    const page = await timeline(browser, '?kind=interaction&q=quiz');
    expect(buttonFor(page, 'passport-hide', 'Secret quiz')).toBe(quiz);
    expect(page).toContain('<input type="hidden" name="return" value="kind=interaction&amp;q=quiz"/>');

    const hidden = await submit(browser, 'hidden-items', { item: quiz!, return: 'kind=interaction&q=quiz' }, csrfFieldOf(page));
    expect(hidden.status).toBe(303);
    expect(hidden.headers.location).toBe(`${PAGE}?kind=interaction&q=quiz`);
    expect((await privacyOf(browser)).hiddenItems).toEqual([quiz]);
    const after = await timeline(browser, '?kind=interaction&q=quiz');
    expect(mainText(after)).toContain('Secret quiz hidden');
    expect(buttonFor(after, 'passport-show', 'Secret quiz')).toBe(quiz);
    expect(buttonFor(after, 'passport-hide', 'Secret quiz')).toBeUndefined();
    expect(mainText(after)).toContain('1 item hidden on its own');

    const shown = await submit(browser, 'shown-items', { item: quiz! });
    expect(shown.status).toBe(303);
    expect(shown.headers.location).toBe(PAGE);
    expect((await privacyOf(browser)).hiddenItems).toEqual([]);
    expect(mainText(await timeline(browser))).not.toContain('Secret quiz hidden');
  });

  it('refuses a form without the CSRF token (403 INVALID_CSRF_TOKEN, a page for a browser) and changes nothing', async () => {
    const { browser, identity } = await passport.signedIn();
    const [quiz] = await passport.store([statement(identity, { object: activity('Guarded quiz') })]);
    await timeline(browser);
    for (const token of [undefined, 'forged']) {
      const response = await browser
        .post(`${PAGE}/hidden-items`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ item: quiz!, ...(token && { _csrf: token }) });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('INVALID_CSRF_TOKEN');
    }
    const page = await submit(browser, 'hidden-items', { item: quiz! }, 'forged');
    expect(page.status).toBe(403);
    expect(mainText(page.text)).toContain('This form has expired or did not come from this site');
    expect((await privacyOf(browser)).hiddenItems).toEqual([]);
  });

  it('answers bad fields with a 400 that says why, and changes nothing', async () => {
    const { browser, identity } = await passport.signedIn();
    const [quiz] = await passport.store([statement(identity, { object: activity('Careful quiz') })]);
    const csrf = csrfFieldOf(await timeline(browser));
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['hidden-items', { item: 'not-a-uuid' }, /item/],
      ['hidden-items', {}, /requires the parameter\(s\) item/],
      ['hidden-items', { item: quiz!, extra: 'x' }, /Unknown parameter "extra"/],
      ['hidden-items', { item: quiz!, return: 'kind=planet' }, /kind must be one of/],
      ['hidden-categories', { kind: 'course', institution: 'x' }, /exactly one of kind, activity, institution/],
      ['hidden-categories', { kind: 'planet' }, /must be one of course/],
      ['shown-categories', { activity: 'a'.repeat(2101) }, /1 to 2100 characters/],
    ];
    for (const [path, fields, reason] of cases) {
      const response = await submit(browser, path, fields, csrf);
      expect([path, fields, response.status]).toEqual([path, fields, 400]);
      expect(mainText(response.text)).toMatch(reason);
    }
    expect(await privacyOf(browser)).toEqual({ hiddenItems: [], hiddenCategories: { kinds: [], activities: [], institutions: [] } });
  });

  it('sends a browser without a session to the timeline (thence to sign in), and answers other clients 401', async () => {
    const browser = await request(passport.lrs.app).post(`${PAGE}/hidden-items`).set('Accept', HTML).type('form').send({ item: randomUUID() });
    expect(browser.status).toBe(303);
    expect(browser.headers.location).toBe(PAGE);
    const client = await request(passport.lrs.app).post(`${PAGE}/hidden-items`).set('Accept', 'application/json').type('form').send({ item: randomUUID() });
    expect(client.status).toBe(401);
    expect(client.body.code).toBe('SIGN_IN_REQUIRED');
  });

  it('hides a whole institution, kind or course from the page, lists them under Privacy and shows them again', async () => {
    const { browser, identity } = await passport.signedIn();
    const course = `${SCHOOL}/courses/${randomUUID()}`;
    await passport.store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/registered' }, object: activity('Physics', 'http://adlnet.gov/expapi/activities/course', course) })]);
    await passport.store([statement(identity, { object: activity('Optics quiz'), ...within(course) })]);
    await passport.store([statement(identity, { object: activity('College essay') })], passport.college);
    await passport.store([statement(identity, { object: activity('Chess badge', 'http://activitystrea.ms/schema/1.0/badge') })]);
    const page = await timeline(browser);
    const college = /<option value="([^"]+)">College LMS<\/option><\/select><\/div><button type="submit" class="button--secondary">Hide/.exec(page)![1]!.replace(/&amp;/g, '&');
    expect(buttonFor(page, 'passport-hide-activity', 'Physics')).toBe(course);

    expect((await submit(browser, 'hidden-categories', { institution: college })).status).toBe(303);
    expect((await submit(browser, 'hidden-categories', { kind: 'achievement' })).status).toBe(303);
    expect((await submit(browser, 'hidden-categories', { activity: course })).status).toBe(303);
    expect((await privacyOf(browser)).hiddenCategories).toEqual({ kinds: ['achievement'], activities: [course], institutions: [college] });

    const hidden = await timeline(browser);
    for (const name of ['Physics', 'Optics quiz', 'College essay', 'Chess badge']) expect(mainText(hidden)).toContain(`${name} hidden`);
    expect(mainText(hidden)).toContain('Hidden with its category');
    const privacy = textOf(hidden.slice(hidden.indexOf('id="passport-privacy"')));
    expect(privacy).toContain('Kind: Achievement Show again');
    expect(privacy).toContain('Activity: Physics Show again');
    expect(privacy).toContain('Institution: College LMS Show again');
    expect(buttonFor(hidden, 'passport-show-category', 'Institution: College LMS')).toBe(college);
    const visible = mainText(await timeline(browser, '?includeHidden=false'));
    expect(visible).not.toMatch(/Physics|Optics|College essay|Chess/);

    expect((await submit(browser, 'shown-categories', { institution: college })).status).toBe(303);
    expect((await submit(browser, 'shown-categories', { kind: 'achievement' })).status).toBe(303);
    expect((await submit(browser, 'shown-categories', { activity: course })).status).toBe(303);
    expect((await privacyOf(browser)).hiddenCategories).toEqual({ kinds: [], activities: [], institutions: [] });
    expect(mainText(await timeline(browser))).not.toMatch(/(Physics|Optics quiz|College essay|Chess badge) hidden|Show again/);
  });

  it('lets the person select items for a share and share an achievement alone, with links to shares, analytics and export', async () => {
    const { browser, identity } = await passport.signedIn();
    const [quiz] = await passport.store([statement(identity, { object: activity('Shared quiz') })]);
    const [badge] = await passport.store([statement(identity, { object: activity('Shared badge', 'http://activitystrea.ms/schema/1.0/badge') })]);
    const [secret] = await passport.store([statement(identity, { object: activity('Unshared quiz') })]);
    await submit(browser, 'hidden-items', { item: secret! });
    const page = await timeline(browser);
    expect(page).toMatch(/<form id="passport-share" method="post" action="\/plugins\/passport\/shares"[^>]*><input type="hidden" name="_csrf"/);
    expect(page).toContain('name="expiresInDays" type="number" min="1" max="365" value="30"');
    for (const id of [quiz, badge]) expect(page).toContain(`<input type="checkbox" form="passport-share" name="items" value="${id}"/>`);
    expect(page).not.toContain(`name="items" value="${secret}"/>`);
    expect(buttonFor(page, 'passport-share-one', 'Shared badge')).toBe(badge);
    expect(buttonFor(page, 'passport-share-one', 'Shared quiz')).toBeUndefined();
    expect(page).toMatch(/<form id="passport-share-one" method="post" action="\/plugins\/passport\/shares">/);
    for (const href of ['/plugins/passport/shares', '/plugins/passport/analytics', '/plugins/passport/api/export']) expect(page).toContain(`<a href="${href}">`);
    // Forms never nest: the items' controls name their form.
    expect(/<form[^>]*>(?:(?!<\/form>)[\s\S])*<form/.test(page)).toBe(false);
  });

  it('says "Not anchored" on every item when anchoring is off (and so does /api/items)', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity, { object: activity('Plain quiz') })]);
    expect(mainText(await timeline(browser))).toContain('Plain quiz');
    expect(mainText(await timeline(browser))).toMatch(/Recorded by School LMS · Not anchored/);
    expect(mainText(await timeline(browser))).not.toMatch(/Anchored|Anchoring pending/);
    const { items } = (await browser.get('/plugins/passport/api/items').set('Accept', 'application/json').expect(200)).body;
    expect(items[0].anchoring).toEqual({ state: 'not-anchored' });
  });
});

describe('the timeline page with anchoring on', () => {
  let anchored: PassportTestLrs;
  beforeAll(async () => {
    anchored = await PassportTestLrs.startWithAnchoring();
  });
  afterAll(() => anchored?.close());

  it('shows anchored items with a link to their receipt (the owner\'s only) and the others as pending, in /api/items too', async () => {
    const { browser, identity } = await anchored.signedIn();
    const other = await anchored.signedIn();
    const [early] = await anchored.store([statement(identity, { object: activity('Anchored quiz') })]);
    await anchored.anchorAll();
    const [late] = await anchored.store([statement(identity, { object: activity('Recent quiz') })]);

    const html = await timeline(browser);
    expect(mainText(html)).toMatch(/Anchored quiz .*Recorded by School LMS · Anchored \( receipt \)/);
    expect(mainText(html)).toMatch(/Recent quiz .*Recorded by School LMS · Anchoring pending/);
    expect(html).toContain(`<a href="/plugins/passport/receipts/${early}">receipt</a>`);
    expect(html).not.toContain(`/plugins/passport/receipts/${late}`);

    const receipt = await browser.get(`/plugins/passport/receipts/${early}`).set('Accept', 'application/json');
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({ statementId: early });
    for (const [who, id] of [
      [browser, late],
      [other.browser, early],
      [browser, randomUUID()],
    ] as const) {
      const refused = await who.get(`/plugins/passport/receipts/${id}`).set('Accept', 'application/json');
      expect(refused.status).toBe(404);
      expect(refused.body.code).toBe('RECEIPT_NOT_FOUND');
    }
    expect((await browser.get('/plugins/passport/receipts/nope').set('Accept', 'application/json')).status).toBe(400);

    const { items } = (await browser.get('/plugins/passport/api/items').set('Accept', 'application/json').expect(200)).body;
    expect(items.map((item: { statementId: string; anchoring: object }) => [item.statementId, item.anchoring])).toEqual([
      [late, { state: 'pending' }],
      [early, { state: 'anchored', receiptUrl: `/plugins/passport/receipts/${early}` }],
    ]);
  });
});
