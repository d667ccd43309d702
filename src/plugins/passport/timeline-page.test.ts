import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { COMPLETED, PassportTestLrs, SCHOOL } from '../../../test-support/passport';

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
