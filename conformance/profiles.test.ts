/**
 * xAPI Profiles service over HTTP on the engine under test: the registry's routes, enforcement
 * modes on ingest (reject, warn, off, per credential), StatementRef templates, warn reports, and
 * pattern conformance per registration fed by the statement feed, surviving a restart.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Express } from 'express';
import request from 'supertest';
import type { Scope } from '../src/auth/scopes';
import { EventDelivery } from '../src/platform/events/delivery';
import { feedEvents } from '../src/platform/events/feed-events';
import type { FeedEvent } from '../src/plugin-api';
import { buildApp, createServices } from '../src/app';
import { loadConfig } from '../src/config';
import { profilePatternSubscriber, type ProfileService } from '../src/profiles';
import quizProfile from '../src/profiles/test-fixtures/quiz-profile.json';
import type { StorageBackend } from '../src/storage/backend';
import { basicAuth, XAPI_VERSION_HEADER } from '../test-support/app';
import { openTestBackend, type TestBackend } from '../test-support/backends';

const PROFILE = quizProfile.id;
const V1 = `${PROFILE}/v1`;
const V2 = `${PROFILE}/v2`;
const template = (name: string) => `${PROFILE}/templates/${name}`;
const ATTEMPT = `${PROFILE}/patterns/quiz-attempt`;
const VERB = (name: string) => `https://keiko.test/verbs/${name}`;
const QUIZ = 'https://keiko.test/activity-types/quiz';
const QUESTION = 'https://keiko.test/activity-types/question';

/** The test profile's second version: every id in v2, and Question answered also needs a duration. */
function quizProfileV2(): Record<string, unknown> {
  const text = JSON.stringify(quizProfile).replaceAll(`"${V1}"`, `"${V2}"`);
  const document = JSON.parse(text) as typeof quizProfile;
  document.versions = [
    { id: V2, generatedAtTime: '2026-12-02T00:00:00Z' },
    { id: V1, generatedAtTime: '2026-12-01T00:00:00Z' },
  ];
  const answered = document.templates.find((t) => t.id === template('question-answered'))!;
  (answered.rules as unknown[]).push({ location: '$.result.duration', presence: 'included' });
  return document as unknown as Record<string, unknown>;
}

/** Leaves out Keiko's own profiles, which every LRS registers at start (src/profiles/built-in.ts). */
const notKeikos = (profile: { id: string }) => !profile.id.startsWith('https://w3id.org/keiko/');

const actor = { objectType: 'Agent', mbox: 'mailto:ana@example.org', name: 'Ana' };

/** Timestamps one second apart: the order in which statements of one batch count in patterns. */
let clock = Date.parse('2026-12-01T10:00:00Z');
const nextTimestamp = () => new Date((clock += 1000)).toISOString();

function quizStatement(verb: string, type: string, registration: string, extra: Record<string, unknown> = {}, version?: string) {
  return {
    id: randomUUID(),
    timestamp: nextTimestamp(),
    actor,
    verb: { id: VERB(verb), display: { en: verb } },
    object: { objectType: 'Activity', id: `https://keiko.test/quizzes/1${type === QUESTION ? '/q1' : ''}`, definition: { type } },
    context: { registration, ...(version ? { contextActivities: { category: [{ id: version }] } } : {}) },
    ...extra,
  };
}
const started = (registration: string, version?: string) => quizStatement('started', QUIZ, registration, {}, version);
const answered = (registration: string, result: Record<string, unknown> = { response: 'B', success: true }, version?: string) =>
  quizStatement('answered', QUESTION, registration, { result }, version);
const finished = (registration: string, completion = true) => quizStatement('finished', QUIZ, registration, { result: { score: { scaled: 0.8 }, completion } });
const reviewed = (target: string) => ({
  id: randomUUID(),
  actor: { objectType: 'Agent', mbox: 'mailto:tutor@example.org' },
  verb: { id: VERB('reviewed'), display: { en: 'reviewed' } },
  object: { objectType: 'StatementRef', id: target },
});

/** The pieces of the LRS the profile service works with, assembled on one storage backend: what a restart builds again. */
interface ProfileLrs {
  app: Express;
  profiles: ProfileService;
  /** Delivers the statement feed after what this app has delivered to the pattern subscriber. */
  deliverFeed(): Promise<void>;
}

async function profileLrs(storage: StorageBackend): Promise<ProfileLrs> {
  const logger = pino({ level: 'silent' });
  const config = loadConfig({ JSON_BODY_LIMIT_BYTES: '4000000' });
  const services = await createServices(storage, logger, { lrsHomePage: 'http://lrs.test/', plugins: [], jsonBodyLimitBytes: config.jsonBodyLimitBytes });
  const { profiles } = services;
  const app = buildApp(services, config, logger);

  const subscriber = profilePatternSubscriber(profiles);
  let delivered = 0;
  const deliverFeed = async () => {
    for (;;) {
      const page = await storage.statements.readFeed(delivered, 50);
      const events = await feedEvents(page.records, (id) => storage.statements.getById(id));
      if (events.length > 0) await subscriber.onEvents(events);
      if (page.through === delivered) return;
      delivered = page.through;
    }
  };
  return { app, profiles, deliverFeed };
}

describe('xAPI Profiles service', () => {
  let backend: TestBackend;
  let lrs: ProfileLrs;
  let admin: string;
  let writer: string;
  let writerKey: string;
  let other: string;
  let otherKey: string;

  const credential = async (scopes: Scope[]) => {
    const issued = await backend.backend.credentials.create({ name: `profiles ${scopes.join(' ')}`, scopes });
    return { auth: basicAuth(issued.key, issued.secret), key: issued.key };
  };
  const upload = (document: unknown, auth = admin) => request(lrs.app).post('/admin/profiles').set('Authorization', auth).send(document as object);
  const setMode = (mode: string) => request(lrs.app).put('/admin/profiles/mode').set('Authorization', admin).send({ profile: PROFILE, mode });
  const post = (statements: unknown, auth = writer) =>
    request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(statements as object);
  const storedIds = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => backend.backend.statements.getById(id)))).filter((record) => record !== undefined).map((record) => record!.id);

  beforeAll(async () => {
    backend = await openTestBackend();
    lrs = await profileLrs(backend.backend);
    admin = (await credential(['admin'])).auth;
    ({ auth: writer, key: writerKey } = await credential(['statements/write', 'statements/read']));
    ({ auth: other, key: otherKey } = await credential(['statements/write']));
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  describe('registry', () => {
    it('refuses an upload without an admin credential', async () => {
      expect((await request(lrs.app).post('/admin/profiles').send(quizProfile)).status).toBe(401);
      const response = await upload(quizProfile, writer);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    });

    it('refuses a document that is not a valid profile, naming the path of every problem, and stores nothing', async () => {
      const broken = structuredClone(quizProfile) as Record<string, unknown> & { templates: Array<Record<string, unknown>> };
      delete broken.templates[1]!.inScheme;
      broken.templates[2]!.verb = 'not an IRI';
      const response = await upload(broken);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('PROFILE_INVALID');
      expect(response.body.message).toContain('/templates/1');
      expect(response.body.message).toContain('/templates/2/verb');
      expect((await request(lrs.app).get('/profiles')).body.profiles.filter(notKeikos)).toEqual([]);
    });

    it('refuses a body that is not JSON, or not a JSON object', async () => {
      const response = await request(lrs.app).post('/admin/profiles').set('Authorization', admin).type('application/json').send('{"id": ');
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('INVALID_JSON');
      const array = await upload([quizProfile]);
      expect(array.status).toBe(400);
      expect(array.body.code).toBe('PROFILE_INVALID');
      const deep = await request(lrs.app).post('/admin/profiles').set('Authorization', admin).type('application/json').send(`${'['.repeat(5000)}${']'.repeat(5000)}`);
      expect(deep.status).toBe(400);
      expect(deep.body.code).toBe('JSON_TOO_DEEP');
    });

    it('refuses a profile too large to be stored as one document (413), storing nothing', async () => {
      const large = structuredClone(quizProfile);
      large.definition = { en: 'x'.repeat(2_100_000) };
      const response = await upload(large);
      expect(response.status).toBe(413);
      expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(response.body.message).toContain('one document');
      expect((await request(lrs.app).get('/profiles')).body.profiles.filter(notKeikos)).toEqual([]);
    });

    it('stores a valid profile in warn mode; the same upload again changes nothing; other content under the same version is a conflict', async () => {
      const created = await upload(quizProfile);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: PROFILE, versionId: V1, outcome: 'created' });

      const again = await upload(quizProfile);
      expect(again.status).toBe(200);
      expect(again.body.outcome).toBe('unchanged');

      const changed = structuredClone(quizProfile);
      changed.prefLabel = { en: 'Another label, same version' };
      const conflict = await upload(changed);
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('PROFILE_VERSION_CONFLICT');
      expect(conflict.body.message).toContain(V1);

      const listed = await request(lrs.app).get('/admin/profiles').set('Authorization', admin);
      expect(listed.status).toBe(200);
      expect(listed.body.profiles.filter(notKeikos)).toEqual([
        expect.objectContaining({ id: PROFILE, status: 'active', mode: 'warn', latestVersion: V1, versions: [{ id: V1, uploadedAt: expect.any(String) }] }),
      ]);
    });

    it('serves the profiles without a credential, and each version as JSON-LD', async () => {
      const listed = await request(lrs.app).get('/profiles');
      expect(listed.status).toBe(200);
      expect(listed.body.profiles.filter(notKeikos)).toEqual([{ id: PROFILE, prefLabel: quizProfile.prefLabel, status: 'active', latestVersion: V1, versions: [V1] }]);

      const document = await request(lrs.app).get('/profiles').query({ id: PROFILE });
      expect(document.status).toBe(200);
      expect(document.headers['content-type']).toMatch(/^application\/ld\+json/);
      expect(JSON.parse(document.text)).toEqual(quizProfile);

      const missing = await request(lrs.app).get('/profiles').query({ id: 'https://keiko.test/profiles/none' });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('PROFILE_NOT_FOUND');
      const unknownParameter = await request(lrs.app).get('/profiles').query({ iri: PROFILE });
      expect(unknownParameter.status).toBe(400);
      expect(unknownParameter.body.code).toBe('UNKNOWN_PARAMETER');
    });

    it('refuses a mode that does not exist and a profile that is not registered', async () => {
      const strict = await setMode('strict');
      expect(strict.status).toBe(400);
      expect(strict.body.code).toBe('INVALID_PARAMETER');
      expect(strict.body.message).toContain('off, warn, reject');
      const unknown = await request(lrs.app).put('/admin/profiles/mode').set('Authorization', admin).send({ profile: 'https://keiko.test/none', mode: 'off' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('PROFILE_NOT_FOUND');
      const extra = await request(lrs.app).put('/admin/profiles/mode').set('Authorization', admin).send({ profile: PROFILE, mode: 'off', force: true });
      expect(extra.status).toBe(400);
      expect(extra.body.message).toContain('force');
      const inherited = await request(lrs.app).put('/admin/profiles/mode').set('Authorization', admin).type('application/json').send(`{"profile": "${PROFILE}", "mode": "off", "constructor": 1}`);
      expect(inherited.status).toBe(400);
      expect(inherited.body.message).toContain('constructor');
    });
  });

  describe('enforcement on ingest', () => {
    it('reject mode: 400 PROFILE_VIOLATION naming the statement, profile, template, location, expected and actual; nothing of the batch is stored', async () => {
      expect((await setMode('reject')).status).toBe(200);
      const registration = randomUUID();
      const batch = [started(registration), answered(registration, { success: true }), finished(registration)];
      const response = await post(batch);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('PROFILE_VIOLATION');
      const { message } = response.body as { message: string };
      expect(message).toContain('statements[1]');
      expect(message).toContain(PROFILE);
      expect(message).toContain(template('question-answered'));
      expect(message).toContain('"Question answered"');
      expect(message).toContain('$.result.response');
      expect(message).toContain('included');
      expect(message).toContain('found nothing');
      expect(await storedIds(batch.map((statement) => statement.id))).toEqual([]);
    });

    it('reject mode: a rule with values names what it found', async () => {
      const response = await post(finished(randomUUID(), false));
      expect(response.status).toBe(400);
      expect(response.body.message).toContain('The statement does not conform');
      expect(response.body.message).toContain(`template ${template('quiz-finished')} ("Quiz finished")`);
      expect(response.body.message).toContain('at $.result.completion expected');
      expect(response.body.message).toContain('found [false]');
    });

    it('reject mode: conforming statements and statements that are no subject of the profile are stored', async () => {
      const registration = randomUUID();
      const batch = [started(registration), answered(registration), finished(registration), { ...finished(registration), verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' } }];
      const response = await post(batch);
      expect(response.status).toBe(200);
      expect(await storedIds(batch.map((statement) => statement.id))).toHaveLength(4);
    });

    it('a StatementRef template is matched against this LRS\'s stored statements and against earlier statements of the batch', async () => {
      const registration = randomUUID();
      const answer = answered(registration);
      const start = started(registration);
      expect((await post([answer, start])).status).toBe(200);

      expect((await post(reviewed(answer.id))).status).toBe(200);

      const wrongTarget = await post(reviewed(start.id));
      expect(wrongTarget.status).toBe(400);
      expect(wrongTarget.body.code).toBe('PROFILE_VIOLATION');
      expect(wrongTarget.body.message).toContain(template('answer-reviewed'));

      const missingTarget = await post(reviewed(randomUUID()));
      expect(missingTarget.status).toBe(400);

      const laterAnswer = answered(registration);
      expect((await post([laterAnswer, reviewed(laterAnswer.id)])).status).toBe(200);
      const reviewBeforeAnswer = answered(registration);
      const outOfOrder = await post([reviewed(reviewBeforeAnswer.id), reviewBeforeAnswer]);
      expect(outOfOrder.status).toBe(400);
      expect(outOfOrder.body.message).toContain('statements[0]');
    });

    it('warn mode: the statement is stored unchanged and its report says which template failed and why', async () => {
      expect((await setMode('warn')).status).toBe(200);
      const statement = answered(randomUUID(), { success: true });
      expect((await post(statement)).status).toBe(200);

      const stored = await request(lrs.app).get('/xapi/statements').query({ statementId: statement.id }).set(XAPI_VERSION_HEADER).set('Authorization', writer);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ id: statement.id, verb: statement.verb, object: statement.object, result: { success: true } });
      expect(stored.body.result.response).toBeUndefined();

      const report = await request(lrs.app).get('/profiles/reports').query({ statementId: statement.id }).set('Authorization', writer);
      expect(report.status).toBe(200);
      expect(report.body).toEqual({
        statementId: statement.id,
        recordedAt: expect.any(String),
        profiles: [
          {
            profileId: PROFILE,
            versionId: V1,
            prefLabel: quizProfile.prefLabel,
            failures: [
              expect.objectContaining({
                templateId: template('question-answered'),
                templatePrefLabel: { en: 'Question answered' },
                location: '$.result.response',
                expected: expect.stringContaining('included'),
              }),
            ],
          },
        ],
      });
    });

    it('reports: a conforming statement has none; an unknown statement is 404; reading them needs statements/read', async () => {
      const statement = started(randomUUID());
      expect((await post(statement)).status).toBe(200);
      const none = await request(lrs.app).get('/profiles/reports').query({ statementId: statement.id }).set('Authorization', writer);
      expect(none.body).toEqual({ statementId: statement.id, profiles: [] });

      const unknown = await request(lrs.app).get('/profiles/reports').query({ statementId: randomUUID() }).set('Authorization', writer);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('PROFILE_REPORT_NOT_FOUND');

      const forbidden = await request(lrs.app).get('/profiles/reports').query({ statementId: statement.id }).set('Authorization', other);
      expect(forbidden.status).toBe(403);
      const badId = await request(lrs.app).get('/profiles/reports').query({ statementId: 'nope' }).set('Authorization', writer);
      expect(badId.status).toBe(400);
      expect(badId.body.code).toBe('INVALID_PARAMETER');
    });

    it('off mode: non-conforming statements are stored without a report', async () => {
      expect((await setMode('off')).status).toBe(200);
      const statement = answered(randomUUID(), {});
      expect((await post(statement)).status).toBe(200);
      const report = await request(lrs.app).get('/profiles/reports').query({ statementId: statement.id }).set('Authorization', writer);
      expect(report.body.profiles).toEqual([]);
    });

    it("a credential's own mode overrides the profile's, for one profile or for all; null removes it", async () => {
      expect((await setMode('reject')).status).toBe(200);
      const override = (body: Record<string, unknown>) => request(lrs.app).put('/admin/profiles/credential-mode').set('Authorization', admin).send(body);
      const bad = () => answered(randomUUID(), {});

      expect((await override({ credential: otherKey, profile: PROFILE, mode: 'off' })).status).toBe(200);
      expect((await post(bad(), other)).status).toBe(200);
      expect((await post(bad(), writer)).status).toBe(400);

      expect((await override({ credential: writerKey, mode: 'warn' })).status).toBe(200);
      expect((await post(bad(), writer)).status).toBe(200);

      expect((await override({ credential: otherKey, profile: PROFILE, mode: null })).status).toBe(200);
      expect((await override({ credential: writerKey, mode: null })).status).toBe(200);
      expect((await post(bad(), other)).status).toBe(400);
      expect((await post(bad(), writer)).status).toBe(400);

      const listed = await request(lrs.app).get('/admin/profiles').set('Authorization', admin);
      expect(listed.body.credentialModes).toEqual([]);

      const unknownCredential = await override({ credential: 'no-such-key', mode: 'off' });
      expect(unknownCredential.status).toBe(404);
      expect(unknownCredential.body.code).toBe('CREDENTIAL_NOT_FOUND');
    });

    it('a new version supersedes the old one; statements claiming the old version are still checked against it', async () => {
      const response = await upload(quizProfileV2());
      expect(response.status).toBe(201);
      expect(response.body.versionId).toBe(V2);
      const listed = await request(lrs.app).get('/profiles');
      expect(listed.body.profiles.filter(notKeikos)).toEqual([expect.objectContaining({ id: PROFILE, latestVersion: V2, versions: [V2, V1] })]);
      expect(JSON.parse((await request(lrs.app).get('/profiles').query({ id: PROFILE, version: V1 })).text)).toEqual(quizProfile);
      expect(JSON.parse((await request(lrs.app).get('/profiles').query({ id: PROFILE })).text).versions[0].id).toBe(V2);

      expect((await post(answered(randomUUID(), { response: 'B', success: true }, V1))).status).toBe(200);
      const latest = await post(answered(randomUUID(), { response: 'B', success: true }));
      expect(latest.status).toBe(400);
      expect(latest.body.message).toContain('$.result.duration');
      expect(latest.body.message).toContain(V2);
      expect((await post(answered(randomUUID(), { response: 'B', success: true, duration: 'PT1M' }, V2))).status).toBe(200);
    });
  });

  describe('pattern conformance per registration', () => {
    const conformance = async (registration: string, app = lrs.app) => {
      const response = await request(app).get('/profiles/conformance').query({ registration }).set('Authorization', writer);
      expect(response.status).toBe(200);
      return response.body as { registration: string; profiles: Array<{ id: string; patterns: Array<{ id: string; status: string; trace: string[] }> }> };
    };
    const attempt = async (registration: string, app = lrs.app) => (await conformance(registration, app)).profiles.find((p) => p.id === PROFILE)?.patterns.find((p) => p.id === ATTEMPT);
    const matchedRun = randomUUID();
    const unfinished = randomUUID();
    const brokenRun = randomUUID();
    let answerOfMatchedRun: { id: string };

    beforeAll(async () => {
      await setMode('warn');
      const answer = (registration: string) => answered(registration, { response: 'A', success: false, duration: 'PT2M' });
      const start = started(matchedRun);
      answerOfMatchedRun = answer(matchedRun);
      expect((await post([start, answerOfMatchedRun, answer(matchedRun), finished(matchedRun)])).status).toBe(200);
      expect((await post([started(unfinished), answer(unfinished)])).status).toBe(200);
      expect((await post([started(brokenRun), finished(brokenRun)])).status).toBe(200);
      await lrs.deliverFeed();
    });

    it('reports matched, in progress and failed with the trace of templates', async () => {
      expect(await attempt(matchedRun)).toEqual({
        id: ATTEMPT,
        prefLabel: { en: 'Quiz attempt' },
        status: 'matched',
        trace: [template('quiz-started'), template('question-answered'), template('question-answered'), template('quiz-finished')],
        traceDropped: 0,
      });
      expect(await attempt(unfinished)).toMatchObject({ status: 'in-progress', trace: [template('quiz-started'), template('question-answered')] });
      expect((await attempt(brokenRun))?.status).toBe('failed');
      expect((await conformance(randomUUID())).profiles).toEqual([]);
    });

    it('a statement delivered again does not move a pattern twice', async () => {
      const before = await attempt(unfinished);
      const page = await backend.backend.statements.readFeed(undefined, 1000);
      const events: FeedEvent[] = page.records
        .filter((record) => record.statement.context?.registration === unfinished)
        .map(({ position, id, statement, stored, voided, credentialKey }) => ({ type: 'stored', position, statement: { position, id, statement, stored, voided, credentialKey } }));
      await profilePatternSubscriber(lrs.profiles).onEvents(events);
      expect(await attempt(unfinished)).toEqual(before);
    });

    it('survives a restart: a new app on the same storage reports the same and goes on from there', async () => {
      const restarted = await profileLrs(backend.backend);
      expect(await attempt(matchedRun, restarted.app)).toEqual(await attempt(matchedRun));
      expect((await post(finished(unfinished))).status).toBe(200);
      await restarted.deliverFeed();
      expect(await attempt(unfinished, restarted.app)).toMatchObject({
        status: 'matched',
        trace: [template('quiz-started'), template('question-answered'), template('quiz-finished')],
      });
    });

    it('voiding a statement recomputes its registration without it', async () => {
      const voiding = {
        actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
        object: { objectType: 'StatementRef', id: answerOfMatchedRun.id },
      };
      expect((await post(voiding)).status).toBe(200);
      await lrs.deliverFeed();
      expect(await attempt(matchedRun)).toMatchObject({
        status: 'matched',
        trace: [template('quiz-started'), template('question-answered'), template('quiz-finished')],
      });
    });

    it("a registration's stored state stays under 1 KB however many statements it has (the trace keeps the last 40)", async () => {
      const registration = randomUUID();
      const start = started(registration);
      const answers = Array.from({ length: 60 }, () => answered(registration, { response: 'C', success: true, duration: 'PT5S' }));
      expect((await post([...answers, start])).status).toBe(200);
      await lrs.deliverFeed();
      expect(await attempt(registration)).toMatchObject({ status: 'in-progress', traceDropped: 21 });
      expect((await attempt(registration))?.trace).toHaveLength(40);
      const states = await backend.backend.collections.open('profile-patterns', 'registrations');
      const stored = await states.get(registration);
      expect(JSON.stringify(stored?.value).length).toBeLessThan(1024);
    });

    it("a rebuild through the platform's event delivery gives the same states as the incremental ones", async () => {
      const registrations = [matchedRun, unfinished, brokenRun];
      const incremental = await Promise.all(registrations.map((registration) => conformance(registration)));
      const states = await backend.backend.collections.open('profile-patterns', 'registrations');
      await states.put(matchedRun, { registration: matchedRun, lastPosition: 1e9, profiles: [] });
      expect((await conformance(matchedRun)).profiles).toEqual([]);
      const delivery = await EventDelivery.open({
        statements: backend.backend.statements,
        collections: backend.backend.collections,
        leases: backend.backend.leases,
        subscribers: [profilePatternSubscriber(lrs.profiles)],
        logger: pino({ level: 'silent' }),
      });
      expect(await delivery.rebuild('profile-patterns')).toMatchObject({ lag: 0, parked: 0 });
      expect(await Promise.all(registrations.map((registration) => conformance(registration)))).toEqual(incremental);
    });

    it('a subregistration for the profile is followed apart from the registration', async () => {
      const registration = randomUUID();
      const [first, second] = [randomUUID(), randomUUID()];
      const inRun = <T extends { context: object }>(statement: T, subregistration: string): T => ({
        ...statement,
        context: { ...statement.context, extensions: { 'https://w3id.org/xapi/profiles/extensions/subregistration': [{ profile: V2, subregistration }] } },
      });
      const answer = () => answered(registration, { response: 'A', success: true, duration: 'PT1M' });
      const batch = [inRun(started(registration), first), inRun(started(registration), second), inRun(answer(), first), inRun(finished(registration), first)];
      expect((await post(batch)).status).toBe(200);
      await lrs.deliverFeed();
      const { profiles } = await conformance(registration);
      const statusOf = (subregistration: string) => profiles.find((p) => (p as { subregistration?: string }).subregistration === subregistration)?.patterns[0]?.status;
      expect(profiles).toHaveLength(2);
      expect([statusOf(first), statusOf(second)]).toEqual(['matched', 'in-progress']);
    });

    it('needs statements/read (not only …/mine) or admin', async () => {
      const mine = (await credential(['statements/read/mine'])).auth;
      const response = await request(lrs.app).get('/profiles/conformance').query({ registration: matchedRun }).set('Authorization', mine);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
      expect((await request(lrs.app).get('/profiles/conformance').query({ registration: matchedRun }).set('Authorization', admin)).status).toBe(200);
      const missing = await request(lrs.app).get('/profiles/conformance').set('Authorization', admin);
      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe('MISSING_PARAMETER');
    });
  });

  describe('retiring', () => {
    it('stops enforcing the profile; it is still listed (retired) and served', async () => {
      await setMode('reject');
      expect((await post(answered(randomUUID(), {}))).status).toBe(400);
      const retired = await request(lrs.app).post('/admin/profiles/retire').set('Authorization', admin).send({ profile: PROFILE });
      expect(retired.status).toBe(200);
      expect(retired.body).toEqual({ id: PROFILE, status: 'retired' });
      expect((await post(answered(randomUUID(), {}))).status).toBe(200);
      expect((await request(lrs.app).get('/profiles')).body.profiles.filter(notKeikos)).toEqual([expect.objectContaining({ id: PROFILE, status: 'retired' })]);
      expect((await request(lrs.app).get('/profiles').query({ id: PROFILE })).status).toBe(200);
      const unknown = await request(lrs.app).post('/admin/profiles/retire').set('Authorization', admin).send({ profile: 'https://keiko.test/none' });
      expect(unknown.status).toBe(404);
    });
  });
});
