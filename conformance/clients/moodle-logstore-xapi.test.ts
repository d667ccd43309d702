import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { basicAuth, createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../test-support/app';

/**
 * Issue 15: "Moodle: logstore_xapi pointed at Keiko works unchanged". Replays, over a real socket,
 * the requests Moodle's xAPI logstore (github.com/xAPI-vle/moodle-logstore_xapi, release 5.0.1,
 * commit 1666365) makes, byte for byte where it matters:
 *
 * - src/loader/lrs.php and src/loader/moodle_curl_lrs.php: `POST <endpoint>/statements` with PHP's
 *   curl, headers `Authorization: Basic base64(username:password)`, `X-Experience-API-Version: 1.0.3`,
 *   `Content-Type: application/json` (curl adds Host, Accept and, for a large body, `Expect:
 *   100-continue`), the body `json_encode($statements)`: a JSON array, `/` escaped as `\/`,
 *   non-ASCII as `\uXXXX`, whole floats as `2.0`. Anything but exactly 200 fails the batch.
 * - src/loader/utils/correct_endpoint.php: the configured endpoint loses a trailing `/statements`
 *   or `/`; src/loader/utils/get_event_batches.php: batches of `maxbatchsize` (settings.php: 30);
 *   src/loader/utils/load_batch.php: with "resend failed batches" on, a batch answered 400 is
 *   halved again and again so only the bad statements fail.
 * - Statement shapes from its tests' expected statements (tests/core/course_viewed/
 *   viewing_existing_course, tests/mod_assign/assignment_graded/existing_assignment_graded_comment,
 *   tests/mod_quiz/attempt_submitted/multichoice_withchoices, tests/core/user_loggedin/
 *   existing_user_loggedin: statements.json), with the defaults src/transformer/utils/
 *   apply_statement_defaults.php adds (context.platform, a registration from the session id,
 *   timestamp) — no statement id: the LRS assigns one.
 */

/** correct_endpoint.php: the endpoint an administrator typed, as the loader uses it. */
function correctEndpoint(endpoint: string): string {
  return endpoint.endsWith('/statements') ? endpoint.slice(0, -'/statements'.length) : endpoint.replace(/\/+$/, '');
}

/** string_to_uuidv5.php: the registration Moodle derives from its session id (SHA-1 of namespace + text, version 5). */
function moodleUuid(text: string): string {
  const hash = createHash('sha1').update(`12345678-1234-1234-1234-123456789abc${text}`).digest('hex');
  const clock = ((parseInt(hash.slice(16, 20), 16) & 0x3f3f) | 0x8000).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${clock}-${hash.slice(20, 32)}`;
}

/** A PHP float that json_encode writes with its decimal point (`2.0`), which JSON.stringify cannot. */
const FLOAT_MARK = '\u0000php-float:';
const phpFloat = (value: number) => ({ toJSON: () => `${FLOAT_MARK}${value.toFixed(1)}` });

/** PHP's json_encode with default flags (escaped slashes and Unicode). */
function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"\\u0000php-float:(-?\d+\.\d)"/g, '$1')
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const SITE = 'http://moodle.example.org';
const SESSION = 'd4c1e2f3a5b6c7d8e9f0a1b2c3d4e5f6';
const INFO = 'http://lrs.learninglocker.net/define/extensions/info';

const site = { id: SITE, definition: { name: { en: 'Escuela Ñandú' }, type: 'http://id.tincanapi.com/activitytype/lms' }, objectType: 'Activity' };
const course = { id: `${SITE}/course/view.php?id=2`, definition: { name: { en: 'Álgebra' }, type: 'https://w3id.org/xapi/cmi5/activitytype/course' }, objectType: 'Activity' };
const section = { id: `${SITE}/course/section.php?id=1`, definition: { name: { en: 'Álgebra Section 0' }, type: 'http://id.tincanapi.com/activitytype/section' }, objectType: 'Activity' };
const quiz = { id: `${SITE}/mod/quiz/view.php?id=1`, definition: { name: { en: 'Quiz 1' }, type: 'http://adlnet.gov/expapi/activities/assessment' }, objectType: 'Activity' };
const attempt = { id: `${SITE}/mod/quiz/attempt.php?attempt=1&cmid=1`, definition: { name: { en: 'Quiz 1 Attempt 1' }, type: 'http://adlnet.gov/expapi/activities/attempt' }, objectType: 'Activity' };

const moodleUser = (id: number) => ({ account: { homePage: SITE, name: String(id) }, name: `Usuario ${id}` });
const info = (event: string) => ({
  [INFO]: { event_function: `\\src\\transformer\\events\\${event}`, event_name: `\\${event.replace('\\', '\\event\\')}`, 'http://moodle.org': '4.5.0', 'https://github.com/xAPI-vle/moodle-logstore_xapi': '5.0.1' },
});

/** apply_statement_defaults.php, merged over each transformer's statement. */
function withDefaults(statement: Record<string, unknown>, timecreated: number): Record<string, unknown> {
  const context = (statement.context ?? {}) as Record<string, unknown>;
  return {
    ...statement,
    context: { platform: 'Moodle', registration: moodleUuid(SESSION), ...context },
    timestamp: new Date(timecreated * 1000).toISOString(),
  };
}

/** The four shapes, for the user `user` (so that a batch of 30 has distinct statements). */
function moodleStatements(user: number): Array<Record<string, unknown>> {
  const actor = moodleUser(user);
  const inCourse = (parents: object[], event: string) => ({ contextActivities: { category: [site], parent: parents }, extensions: info(event), language: 'en' });
  return [
    {
      actor,
      verb: { id: 'http://id.tincanapi.com/verb/viewed', display: { en: 'Viewed' } },
      object: course,
      context: { contextActivities: { category: [site] }, extensions: info('core\\course_viewed'), language: 'en' },
    },
    {
      actor,
      verb: { id: 'https://w3id.org/xapi/tla/verbs/scored', display: { en: 'Scored' } },
      object: { id: `${SITE}/mod/assign/view.php?id=1#submission`, definition: { name: { en: 'Tarea Submission' }, type: 'https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/submission' }, objectType: 'Activity' },
      context: { ...inCourse([section, course], 'mod_assign\\assignment_graded'), instructor: moodleUser(1) },
      result: { response: 'Muy bien — ¡sigue así!', score: { max: phpFloat(2), min: phpFloat(0), raw: phpFloat(1), scaled: phpFloat(0) }, success: true },
    },
    {
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { en: 'Completed' } },
      object: attempt,
      context: inCourse([quiz, section, course], 'mod_quiz\\attempt_submitted\\handler'),
      result: { completion: true, duration: 'PT1S', score: { max: 100, min: 0, raw: 50, scaled: phpFloat(0) }, success: true },
    },
    {
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { en: 'Answered' } },
      object: {
        id: `${SITE}/question/question.php?cmid=1&id=1`,
        definition: {
          choices: [{ id: 'answer-1', description: { en: 'answer 1' } }],
          correctResponsesPattern: ['answer-1'],
          description: { en: 'test_question' },
          interactionType: 'choice',
          name: { en: 'test_name' },
          type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        },
        objectType: 'Activity',
      },
      context: inCourse([attempt, quiz, section, course], 'mod_quiz\\attempt_submitted\\handler'),
      result: { completion: true, extensions: { 'http://learninglocker.net/xapi/cmi/choice/response': 'answer 1' }, response: 'answer-1', success: true },
    },
    {
      actor,
      verb: { id: 'https://xapi.edlm/profiles/edlm-lms/concepts/verbs/login', display: { en: 'Logged In' } },
      object: site,
      context: { extensions: info('core\\user_loggedin'), language: 'en' },
    },
  ].map((statement, index) => withDefaults(statement, 1_733_218_000 + user * 10 + index));
}

/** get_event_batches.php with maxbatchsize 30 (settings.php). */
function batchOf(size: number): Array<Record<string, unknown>> {
  const statements: Array<Record<string, unknown>> = [];
  for (let user = 2; statements.length < size; user++) statements.push(...moodleStatements(user));
  return statements.slice(0, size);
}

let lrs: TestLrs;
let server: http.Server;
let origin: string;
let moodleAuth: string;

beforeAll(async () => {
  lrs = await createTestLrs();
  moodleAuth = await lrs.credential(['statements/write', 'statements/read/mine'], 'Moodle logstore_xapi');
  server = http.createServer(lrs.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await lrs.close();
});

interface Answer {
  status: number;
  body: string;
}

/** lrs.php's curl request: its three headers, curl's own, and `Expect: 100-continue` before a body over 1 KiB. */
function sendAsLogstore(statements: unknown[], { endpoint = `${origin}/xapi/`, auth = moodleAuth } = {}): Promise<Answer> {
  const body = Buffer.from(phpJsonEncode(statements));
  const url = new URL(`${correctEndpoint(endpoint)}/statements`);
  const expectContinue = body.length > 1024;
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, {
      method: 'POST',
      headers: {
        Host: url.host,
        Accept: '*/*',
        Authorization: auth,
        'X-Experience-API-Version': '1.0.3',
        'Content-Type': 'application/json',
        'Content-Length': body.length,
        ...(expectContinue && { Expect: '100-continue' }),
      },
    });
    outgoing.on('continue', () => outgoing.end(body));
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    if (!expectContinue) outgoing.end(body);
  });
}

/** load_batch.php with "resend failed batches": a 400 halves the batch (rounded) until single statements fail alone. */
async function loadBatch(statements: unknown[]): Promise<{ loaded: number; failed: unknown[]; requests: number }> {
  const answer = await sendAsLogstore(statements);
  if (answer.status === 200) return { loaded: statements.length, failed: [], requests: 1 };
  if (statements.length === 1 || answer.status !== 400) return { loaded: 0, failed: statements, requests: 1 };
  const half = Math.round(statements.length / 2);
  const parts = await Promise.all([loadBatch(statements.slice(0, half)), loadBatch(statements.slice(half))]);
  return parts.reduce((sum, part) => ({ loaded: sum.loaded + part.loaded, failed: [...sum.failed, ...part.failed], requests: sum.requests + part.requests }), { loaded: 0, failed: [] as unknown[], requests: 1 });
}

async function storedStatement(id: string): Promise<Record<string, any>> {
  const response = await request(lrs.app).get('/xapi/statements').query({ statementId: id }).set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER);
  expect(response.status).toBe(200);
  return response.body;
}

describe('Moodle logstore_xapi pointed at Keiko works unchanged (issue 15)', () => {
  it("a full batch of 30 of its statements, sent exactly as lrs.php sends it, is answered 200 (anything else fails the batch) with one id each (Communication §2.1.2)", async () => {
    const statements = batchOf(30);
    const answer = await sendAsLogstore(statements);
    expect(answer.status).toBe(200);
    const ids = JSON.parse(answer.body) as string[];
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('each statement is stored as Moodle meant it: escaped slashes and Unicode read back, floats as numbers, dotted keys inside an extension kept (both engines)', async () => {
    const [, graded, , answered] = moodleStatements(500);
    const answer = await sendAsLogstore([graded, answered]);
    expect(answer.status).toBe(200);
    const [gradedId, answeredId] = JSON.parse(answer.body) as string[];
    const storedGrade = await storedStatement(gradedId!);
    expect(storedGrade.actor).toEqual(moodleUser(500));
    expect(storedGrade.object.id).toBe('http://moodle.example.org/mod/assign/view.php?id=1#submission');
    expect(storedGrade.result).toEqual({ response: 'Muy bien — ¡sigue así!', score: { max: 2, min: 0, raw: 1, scaled: 0 }, success: true });
    expect(storedGrade.context.instructor).toEqual(moodleUser(1));
    expect(storedGrade.context.platform).toBe('Moodle');
    expect(storedGrade.context.registration).toBe(moodleUuid(SESSION));
    expect(storedGrade.context.contextActivities.category[0].definition.name).toEqual({ en: 'Escuela Ñandú' });
    expect(storedGrade.context.extensions[INFO]).toEqual({
      event_function: '\\src\\transformer\\events\\mod_assign\\assignment_graded',
      event_name: '\\mod_assign\\event\\assignment_graded',
      'http://moodle.org': '4.5.0',
      'https://github.com/xAPI-vle/moodle-logstore_xapi': '5.0.1',
    });
    expect(storedGrade.timestamp).toBe(new Date((1_733_218_000 + 5000 + 1) * 1000).toISOString());
    const storedAnswer = await storedStatement(answeredId!);
    expect(storedAnswer.object.definition).toMatchObject({ interactionType: 'choice', choices: [{ id: 'answer-1', description: { en: 'answer 1' } }], correctResponsesPattern: ['answer-1'] });
    expect(storedAnswer.result.extensions).toEqual({ 'http://learninglocker.net/xapi/cmi/choice/response': 'answer 1' });
  });

  it.each([
    ['the xAPI base URL', (base: string) => `${base}/xapi`],
    ['it with a trailing slash', (base: string) => `${base}/xapi/`],
    ['the statements resource itself', (base: string) => `${base}/xapi/statements`],
  ])('the endpoint setting may be %s (correct_endpoint.php)', async (_form, endpointOf) => {
    const answer = await sendAsLogstore(moodleStatements(600).slice(0, 1), { endpoint: endpointOf(origin) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  it("wrong credentials are answered 401, the status its 'autherror' message tells the administrator about", async () => {
    const answer = await sendAsLogstore(moodleStatements(700).slice(0, 1), { auth: basicAuth('moodle', 'wrong') });
    expect(answer.status).toBe(401);
  });

  it('a batch holding one statement Keiko refuses is answered 400 with nothing stored; load_batch.php halving then stores the 29 others and only the bad one fails', async () => {
    const marker = `${SITE}/mod/resource/view.php?id=${randomUUID()}`;
    const statements: Array<Record<string, unknown>> = batchOf(30).map((statement, index) => ({ ...statement, object: { ...(statement.object as object), id: `${marker}&i=${index}` } }));
    statements[17] = { ...statements[17], verb: { id: 'not an IRI', display: { en: 'Broken' } } };
    const whole = await sendAsLogstore(statements);
    expect(whole.status).toBe(400);
    expect(JSON.parse(whole.body)).toMatchObject({ code: expect.any(String) });
    const outcome = await loadBatch(statements);
    expect(outcome.loaded).toBe(29);
    expect(outcome.failed).toEqual([statements[17]]);
    // 30 → 15+15 → 8+7 → 4+4 → 2+2 → 1+1: a refused batch at each level holding the bad statement.
    expect(outcome.requests).toBeLessThanOrEqual(11);
  });

  it('its statements carry no id, so a batch sent twice is stored twice: backfilling must not re-queue events already sent', async () => {
    const [viewed] = moodleStatements(800);
    const first = JSON.parse((await sendAsLogstore([viewed])).body) as string[];
    const second = JSON.parse((await sendAsLogstore([viewed])).body) as string[];
    expect(first[0]).not.toBe(second[0]);
  });
});
