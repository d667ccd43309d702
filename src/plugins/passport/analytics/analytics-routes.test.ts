import { randomUUID } from 'node:crypto';
import request from 'supertest';
import learningStyleExample from '../../../profiles/keiko/passport/examples/learning-style-assessed.valid.json';
import { account, COMPLETED, mbox, PassportTestLrs, SCHOOL } from '../../../../test-support/passport';

/**
 * GET /plugins/passport/analytics (page) and /api/analytics (JSON) over HTTP on the whole LRS:
 * statements POSTed by institution credentials, figures read by people signed in through login links.
 */
const PAGE = '/plugins/passport/analytics';
const API = '/plugins/passport/api/analytics';
const HTML = 'text/html,application/xhtml+xml,*/*;q=0.8';
const QUESTION = 'http://adlnet.gov/expapi/activities/cmi.interaction';
const COURSE = 'http://adlnet.gov/expapi/activities/course';

let passport: PassportTestLrs;
beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

const activity = (name: string, type: string) => ({ objectType: 'Activity', id: `${SCHOOL}/activities/${randomUUID()}`, definition: { name: { en: name }, type } });
const verb = (name: string) => ({ id: `http://adlnet.gov/expapi/verbs/${name}`, display: { en: name } });
const scored = (actor: object, scaled: number, timestamp: string, extra: Record<string, unknown> = {}) => ({
  actor,
  verb: verb('answered'),
  object: activity('Question', QUESTION),
  result: { score: { scaled } },
  timestamp,
  ...extra,
});
/** The passport profile's own example assessment, taken by `actor` with these scores. */
const assessment = (actor: object, scores: Record<string, number>, timestamp: string, assessmentType = 'periodic') => {
  const { id: _id, ...example } = structuredClone(learningStyleExample);
  example.result.extensions['https://w3id.org/keiko/profiles/passport/extensions/learning-style'] = scores as typeof example.result.extensions['https://w3id.org/keiko/profiles/passport/extensions/learning-style'];
  example.context.extensions['https://w3id.org/keiko/profiles/passport/extensions/assessment-type'] = assessmentType;
  return { ...example, actor, timestamp };
};

async function analyticsOf(browser: request.Agent): Promise<Record<string, any>> {
  const response = await browser.get(API).set('Accept', 'application/json');
  expect(response.status).toBe(200);
  return response.body;
}

async function pageOf(browser: request.Agent, lang = 'en'): Promise<string> {
  const response = await browser.get(`${PAGE}?lang=${lang}`).set('Accept', HTML);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  return response.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('the learning profile of the person signed in', () => {
  it("counts their own learning under every linked identity, not another person's, not as instructor, not voided", async () => {
    const ana = await passport.signedIn();
    const anaMail = mbox();
    await passport.link(ana.personId, anaMail);
    const ben = account();
    const tutor = mbox();
    const course = activity('Algebra', COURSE);
    const [voided] = await passport.store([scored(ana.identity, 0, '2026-03-02T10:00:00Z')]);
    await passport.store([
      assessment(ana.identity, { visual: 72, auditory: 35, kinesthetic: 58, reading: 64 }, '2026-01-20T09:30:00Z', 'initial'),
      assessment(anaMail, { visual: 40, auditory: 80, kinesthetic: 50, reading: 70 }, '2026-02-15T09:30:00+01:00'),
      // Sent after the re-take, taken before it: not the latest.
      assessment(ana.identity, { visual: 1, auditory: 1, kinesthetic: 1, reading: 1 }, '2025-12-01T09:30:00Z'),
      { actor: ana.identity, verb: verb('launched'), object: course, timestamp: '2026-03-01T08:00:00Z' },
      scored(ana.identity, 0.8, '2026-03-01T10:00:00Z'),
      scored(anaMail, 0.4, '2026-03-01T23:30:00-05:00'),
      scored({ objectType: 'Group', member: [ana.identity, ben] }, 0.6, '2026-03-02T10:00:00Z'),
      scored(tutor, 1, '2026-03-03T10:00:00Z', { context: { instructor: ana.identity } }),
      assessment(ben, { visual: 9, auditory: 9, kinesthetic: 9, reading: 9 }, '2026-04-01T00:00:00Z'),
      scored(ben, 0.1, '2026-03-03T10:00:00Z'),
      scored(ben, 0.1, '2026-03-04T10:00:00Z'),
    ]);
    await passport.store([{ actor: ana.identity, verb: verb('voided'), object: { objectType: 'StatementRef', id: voided } }]);

    const analytics = await analyticsOf(ana.browser);
    expect(analytics.learningStyle).toMatchObject({
      scores: { visual: 40, auditory: 80, kinesthetic: 50, reading: 70 },
      assessedAt: '2026-02-15T08:30:00.000Z',
      assessmentType: 'periodic',
      assessments: 3,
    });
    expect(analytics.scores).toEqual([
      { date: '2026-03-01', mean: 0.8, count: 1 },
      { date: '2026-03-02', mean: expect.closeTo(0.5), count: 2 },
    ]);
    expect(analytics.progress).toMatchObject({ completed: 1, total: 5, percent: 20 });
    expect(analytics.progress.byKind.find((kind: { kind: string }) => kind.kind === 'course')).toEqual({ kind: 'course', completed: 0, total: 1 });
    expect(analytics.activityTypes).toEqual([
      { activityType: QUESTION, kind: 'interaction', count: 3 },
      { activityType: 'https://w3id.org/keiko/profiles/passport/activity-types/learning-style-assessment', kind: 'interaction', count: 3 },
      { activityType: COURSE, kind: 'course', count: 1 },
    ]);
    expect(analytics.truncated).toBeUndefined();

    const page = await pageOf(ana.browser);
    expect(page).toContain('Your learning profile');
    expect(page).toContain('From your periodic assessment of Feb 15, 2026. You have taken 3 assessments: the latest counts.');
    expect(page).toContain('Your strongest style is auditory (80 of 100).');
    expect(page).toContain('You finished 1 of the 5 activities you started (20%).');
    expect(page).toContain('From 80% on Mar 1, 2026 to 50% on Mar 2, 2026.');
    expect(page).not.toMatch(/No learning-style assessment yet|No scores yet/);

    // The figures follow the statements: one more score, then that one voided when it is no longer the newest.
    const [later] = await passport.store([scored(ana.identity, 1, '2026-03-05T10:00:00Z')]);
    expect((await analyticsOf(ana.browser)).scores.at(-1)).toEqual({ date: '2026-03-05', mean: 1, count: 1 });
    await passport.store([{ actor: ana.identity, verb: verb('launched'), object: course, timestamp: '2026-03-06T08:00:00Z' }]);
    await analyticsOf(ana.browser);
    await passport.store([{ actor: ana.identity, verb: verb('voided'), object: { objectType: 'StatementRef', id: later } }]);
    expect((await analyticsOf(ana.browser)).scores).toEqual(analytics.scores);
  });

  it('is in Spanish, says what there is not yet, and counts what the person hid', async () => {
    const { browser } = await passport.signedIn();
    const empty = await pageOf(browser, 'es');
    expect(empty).toContain('Tu perfil de aprendizaje');
    expect(empty).toContain('Todavía no hay ninguna evaluación de estilo de aprendizaje');
    expect(empty).toContain('Todavía no hay puntuaciones.');
    expect(await analyticsOf(browser)).toEqual({
      progress: { completed: 0, total: 0, percent: 0, byKind: expect.any(Array) },
      activityTypes: [],
      scores: [],
    });

    const ana = await passport.signedIn();
    await passport.store([
      assessment(ana.identity, { visual: 20, auditory: 30, kinesthetic: 90, reading: 10 }, '2026-01-20T09:30:00Z', 'adaptive'),
      scored(ana.identity, 0.75, '2026-03-01T10:00:00Z', { verb: { id: COMPLETED } }),
    ]);
    // Hiding is about what is made for others: her own figures still count what she hid.
    const hideAll = { hiddenItems: [], hiddenCategories: { kinds: ['course', 'class', 'session', 'achievement', 'interaction'], activities: [], institutions: [] } };
    await ana.browser.put('/plugins/passport/api/privacy').send(hideAll).expect(200);
    const page = await pageOf(ana.browser, 'es');
    expect(page).toContain('Según tu evaluación adaptativa del 20 ene 2026. Es tu única evaluación.');
    expect(page).toContain('Tu estilo más fuerte es kinestésico (90 de 100).');
    expect(page).toContain('Has terminado 2 de las 2 actividades que empezaste (100 %).');
    expect(page).toContain('Interacción');
  });

  it('sends a browser without a session to sign in (303), and answers an API client 401', async () => {
    const page = await request(passport.lrs.app).get(PAGE).set('Accept', HTML);
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/sign-in\?return=/);
    const api = await request(passport.lrs.app).get(API).set('Accept', 'application/json');
    expect(api.status).toBe(401);
    expect(api.body.code).toBe('SIGN_IN_REQUIRED');
  });
});
