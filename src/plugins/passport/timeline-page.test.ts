import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { csrfFieldOf } from '../../../test-support/people';

/**
 * GET /plugins/passport/timeline over HTTP on the whole LRS: statements POSTed by an institution's
 * credential, delivered to the plugin, shown to the person signed in through a login link.
 */
const SCHOOL = 'https://school.example';
const PAGE = '/plugins/passport/timeline';
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const HTML = 'text/html,application/xhtml+xml,*/*;q=0.8';

let lrs: TestLrs;
let school: string;
let college: string;

beforeAll(async () => {
  lrs = await createTestLrs();
  const admin = await lrs.credential(['admin']);
  school = await lrs.credential(['statements/write', 'people/login-links'], 'School LMS');
  // A login link is for an account at one of the credential's institution home pages.
  const key = Buffer.from(school.split(' ')[1]!, 'base64').toString().split(':')[0]!;
  await request(lrs.app).put(`/people/institutions/${key}`).set('Authorization', admin).send({ homePages: [SCHOOL] }).expect(200);
  college = await lrs.credential(['statements/write'], 'College LMS');
  lrs.services.events.start();
});
afterAll(async () => {
  await lrs.services.events.stop();
  await lrs.close();
});

const account = () => ({ account: { homePage: SCHOOL, name: `learner-${randomUUID()}` } });
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

async function store(statements: object[], auth = school): Promise<string[]> {
  const response = await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(statements);
  expect(response.status).toBe(200);
  lrs.services.events.notify();
  const deadline = Date.now() + 10_000;
  while ((await lrs.services.events.status()).find((status) => status.name === 'passport')?.lag !== 0) {
    if (Date.now() > deadline) throw new Error('the passport plugin did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return response.body as string[];
}

async function signedIn(identity = account()) {
  const { url } = (await request(lrs.app).post('/people/login-links').set('Authorization', school).send({ agent: identity }).expect(201)).body;
  const browser = request.agent(lrs.app);
  const page = await browser.get(new URL(url).pathname).expect(200);
  const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
  await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
  return { browser, identity };
}

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
    const response = await request(lrs.app).get(`${PAGE}?kind=course`).set('Accept', HTML).expect(303);
    expect(response.headers.location).toBe(`/sign-in?return=${encodeURIComponent(`${PAGE}?kind=course`)}`);
  });

  it('shows each item with verb, activity, result and institution, newest first, and no one else\'s statements', async () => {
    const { browser, identity } = await signedIn();
    const other = await signedIn();
    await store([statement(identity, { object: activity('Geometry test'), result: { score: { raw: 9, max: 10 }, success: true, completion: true, duration: 'PT5M' } })]);
    await store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' }, object: activity('Essay draft') })], college);
    await store([statement(other.identity, { object: activity('Ben only') })]);

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
    const { browser, identity } = await signedIn();
    const [voided] = await store([statement(identity, { object: activity('Withdrawn quiz') })]);
    await store([statement(identity, { object: activity('Kept quiz') })]);
    expect(mainText(await timeline(browser))).toContain('Withdrawn quiz');
    await store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } }, object: { objectType: 'StatementRef', id: voided } })]);
    const text = mainText(await timeline(browser));
    expect(text).toContain('Kept quiz');
    expect(text).not.toContain('Withdrawn quiz');
    expect(text).not.toContain('voided');
  });

  it('nests interactions in their session (collapsed), the session in its class and the class in its course (open)', async () => {
    const { browser, identity } = await signedIn();
    const course = `${SCHOOL}/courses/${randomUUID()}`;
    const lesson = `${SCHOOL}/lessons/${randomUUID()}`;
    const session = `${SCHOOL}/sessions/${randomUUID()}`;
    await store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/registered' }, object: activity('Mathematics', 'http://adlnet.gov/expapi/activities/course', course) })]);
    await store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/attended' }, object: activity('Algebra 3', 'http://adlnet.gov/expapi/activities/lesson', lesson), ...within(course) })]);
    await store([statement(identity, { verb: { id: 'http://adlnet.gov/expapi/verbs/attended' }, object: activity('Tutoring', 'http://id.tincanapi.com/activitytype/tutor-session', session), ...within(lesson, [course]) })]);
    await store([statement(identity, { object: activity('Question 1'), ...within(session, [lesson, course]) }), statement(identity, { object: activity('Question 2'), ...within(session, [lesson, course]) })]);
    await store([statement(identity, { object: activity('Loose quiz') })]);

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
    const { browser, identity } = await signedIn();
    await store([statement(identity, { object: activity('Algebra badge', 'http://activitystrea.ms/schema/1.0/badge') })]);
    await store([statement(identity, { object: activity('Geometry quiz') })], college);
    await store([statement(identity, { object: activity('Algebra quiz') })]);

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
    const { browser, identity } = await signedIn();
    for (const name of ['Quiz 1', 'Quiz 2', 'Quiz 3', 'Quiz 4', 'Quiz 5']) await store([statement(identity, { object: activity(name) })]);
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
    const { browser, identity } = await signedIn();
    await store([statement(identity, { object: activity('Quiz'), result: { success: false } })]);
    const text = mainText(await timeline(browser, '?lang=es'));
    expect(text).toContain('Tu pasaporte');
    expect(text).toContain('Interacción completó Quiz (es)');
    expect(text).toContain('no aprobado');
    const bad = await browser.get(`${PAGE}?kind=planet&lang=en`).set('Accept', HTML);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('kind must be one of');
  });

  it('shows the items the person hid with a "hidden" badge, and leaves them out with includeHidden=false', async () => {
    const { browser, identity } = await signedIn();
    const [hiddenOne] = await store([statement(identity, { object: activity('Private quiz') })]);
    await store([statement(identity, { object: activity('Public quiz') })]);
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
    const { browser } = await signedIn();
    const home = await browser.get('/').set('Accept', HTML).expect(200);
    expect(home.text).toContain('href="/plugins/passport/timeline"');
    expect(home.text.match(/>Passport<\/a>/g)).toHaveLength(1);
  });
});
