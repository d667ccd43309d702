/**
 * The Caliper 1.1 → xAPI mapping (issue 15, "Canvas … translates the learning events … with a
 * documented mapping, and keeps the Caliper event id for idempotency"): every example Canvas
 * publishes (examples/README.md) maps to the statement written out here field by field, every
 * statement made is stored by a real LRS (xAPI 1.0.3 valid), and hostile events are skipped
 * with a reason or refused as a malformed envelope, bounded in depth and size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../../test-support/app';
import { CALIPER_ENVELOPE_INVALID, MAX_ENVELOPE_EVENTS, readCaliperBody, translateEnvelope } from './envelope';
import { MAX_EVENT_DEPTH, translateEvent, type Translation, type XapiStatement } from './mapping';
import { ACTIVITY_TYPE, EXTENSION, VERB } from './vocabulary';

const CANVAS = 'http://oxana.instructure.com';

function example(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, 'examples', `${name}.json`), 'utf8'));
}

function translationsOf(name: string): Translation[] {
  return translateEnvelope(readCaliperBody(example(name)));
}

/** The one statement an example's envelope maps to. */
function statementOf(name: string): XapiStatement {
  const [translation, ...others] = translationsOf(name);
  expect(others).toEqual([]);
  if (translation?.outcome !== 'mapped') throw new Error(`${name}: ${JSON.stringify(translation)}`);
  return translation.statement;
}

const canvasUser = (id: string) => ({ objectType: 'Agent', account: { homePage: CANVAS, name: id } });
const verb = (mapped: { id: string; display: string }) => ({ id: mapped.id, display: { 'en-US': mapped.display } });
const activity = (id: string, type?: string, name?: string) => ({
  objectType: 'Activity',
  id,
  ...((type ?? name) !== undefined && { definition: { ...(name !== undefined && { name: { und: name } }), ...(type !== undefined && { type }) } }),
});
const course = (id: string) => activity(`urn:instructure:canvas:course:${id}`, ACTIVITY_TYPE.course);
const SESSION = 'urn:instructure:canvas:session:ef686f8ed684abf78cbfa1f6a58112b5';

describe("Canvas's published Caliper examples map to these statements", () => {
  it('submission_created (AssignableEvent Submitted): the learner submitted the assignment; the submission, its attempt number and type kept', () => {
    expect(statementOf('submission_created')).toEqual({
      // Pinned: a changed derivation would store a re-sent event again under a new id.
      id: 'bb958d08-c2c0-83a8-9d88-eb7cf28a7189',
      actor: canvasUser('21070000000014012'),
      verb: verb(VERB.submitted),
      object: activity('urn:instructure:canvas:assignment:21070000001234012', ACTIVITY_TYPE.assignment),
      context: {
        platform: 'Canvas',
        extensions: {
          [EXTENSION.eventId]: 'urn:uuid:bd9dedcf-6fd9-4605-82d6-325c4e2adaf6',
          [EXTENSION.eventType]: 'AssignableEvent#Submitted',
          [EXTENSION.sessionId]: SESSION,
          [EXTENSION.objectId]: 'urn:instructure:canvas:submission:21070000012345567',
          [EXTENSION.attemptCount]: 12,
          [EXTENSION.submissionType]: 'online_text_entry',
        },
      },
      timestamp: '2019-11-01T19:11:21.419Z',
    });
  });

  it("grade_change (GradeEvent Graded): the learner scored, the grader is the instructor; 5 points of 1 (extra credit) keeps raw only (Data 2.4.5.1.1)", () => {
    expect(statementOf('grade_change')).toEqual({
      id: '60841350-5787-8479-84a4-0cdb98b72801',
      actor: canvasUser('21070000000000048'),
      verb: verb(VERB.scored),
      object: activity('urn:instructure:canvas:assignment:21070000000000355', ACTIVITY_TYPE.assignment),
      result: { score: { raw: 5 }, extensions: { [EXTENSION.grade]: '5' } },
      context: {
        platform: 'Canvas',
        // The event's membership is the grader's enrolment: no registration of the learner's.
        instructor: canvasUser('21070000000000987'),
        contextActivities: { parent: [course('21070000000000565')] },
        extensions: {
          [EXTENSION.eventId]: 'urn:uuid:319f0132-0584-4efd-9489-4959b7101731',
          [EXTENSION.eventType]: 'GradeEvent#Graded',
          [EXTENSION.sessionId]: SESSION,
          [EXTENSION.objectId]: 'urn:instructure:canvas:submission:21070000000011086',
        },
      },
      timestamp: '2019-11-01T19:11:05.222Z',
    });
  });

  it('quiz_submitted (AssessmentEvent Submitted): the learner completed the quiz, registration from the enrolment', () => {
    expect(statementOf('quiz_submitted')).toEqual({
      id: '9cfd6a0e-0752-8b8c-8d61-65ed57dca6fa',
      actor: canvasUser('21070000000987123'),
      verb: verb(VERB.completed),
      object: activity('urn:instructure:canvas:quiz:11210000002223333', ACTIVITY_TYPE.assessment),
      result: { completion: true },
      context: {
        platform: 'Canvas',
        registration: '50a17384-c66f-838a-8cb9-4219f661cea9',
        contextActivities: { parent: [course('21070000000100123')] },
        extensions: {
          [EXTENSION.eventId]: 'urn:uuid:06e01cb6-fdde-4327-b3f0-4c47a95d0f52',
          [EXTENSION.eventType]: 'AssessmentEvent#Submitted',
          [EXTENSION.sessionId]: 'urn:instructure:canvas:session:dc29809b38908fe0890a8098b8982211',
          [EXTENSION.membershipId]: 'urn:instructure:canvas:course:21070000000100123:Learner:21070000000987123',
          [EXTENSION.membershipRoles]: ['Learner'],
          [EXTENSION.objectId]: 'urn:instructure:canvas:submission:11210000013995723',
        },
      },
      timestamp: '2019-11-01T19:11:33.388Z',
    });
  });

  it('asset_accessed of an assignment (NavigationEvent NavigatedTo): accessed, named by asset_name, in its course', () => {
    expect(statementOf('asset_accessed-assignment')).toEqual({
      id: 'c513bcf4-870a-8a71-bee2-9458e5d80017',
      actor: canvasUser('21070000000000001'),
      verb: verb(VERB.accessed),
      object: activity('urn:instructure:canvas:assignment:21070000000000144', ACTIVITY_TYPE.assignment, 'Week 5 Math Homework'),
      context: {
        platform: 'Canvas',
        registration: '7cbafc9a-53ac-8437-abdf-c31ca9c9aa9b',
        contextActivities: { parent: [course('21070000000000565')] },
        extensions: {
          [EXTENSION.eventId]: 'urn:uuid:d71bd983-d03a-4ef8-8701-71cfa7889eaf',
          [EXTENSION.eventType]: 'NavigationEvent#NavigatedTo',
          [EXTENSION.sessionId]: SESSION,
          [EXTENSION.membershipId]: 'urn:instructure:canvas:course:21070000000000565:user:21070000000000001',
        },
      },
      timestamp: '2019-11-01T00:09:06.700Z',
    });
  });

  it('asset_accessed of an account page: no course, no type for an account, its asset_name as name', () => {
    const statement = statementOf('asset_accessed-account');
    expect(statement.id).toBe('f0711edf-d681-88a4-97c5-8c7abc71f13b');
    expect(statement.object).toEqual(activity('urn:instructure:canvas:account:21070000000000001', undefined, 'Canvas County School District'));
    expect(statement.context.contextActivities).toBeUndefined();
    expect(statement.context.registration).toBeUndefined();
  });

  it('asset_accessed by Canvas itself (a SoftwareApplication actor) is skipped: a statement needs an Agent', () => {
    expect(translationsOf('asset_accessed-attachment')).toEqual([
      { outcome: 'skipped', eventId: 'urn:uuid:abd40e68-7792-46c3-b0bf-e4980d9c5236', reason: 'actor is SoftwareApplication, not a Person: xAPI needs an Agent' },
    ]);
  });

  it('discussion_entry_created (MessageEvent Posted): posted a reply, its thread as parent and the course as grouping', () => {
    expect(statementOf('discussion_entry_created')).toEqual({
      id: 'a6e5806c-2e95-82c3-bcd6-247d29d56b11',
      actor: canvasUser('21070000000098765'),
      verb: verb(VERB.posted),
      object: activity('urn:instructure:canvas:discussionEntry:2134567', ACTIVITY_TYPE.message),
      context: {
        platform: 'Canvas',
        registration: '7f0ce72b-95a6-8783-b7a6-d480b3c94009',
        contextActivities: {
          parent: [activity('urn:instructure:canvas:discussion:123456', ACTIVITY_TYPE.discussion)],
          grouping: [course('21070000000000565')],
        },
        extensions: {
          [EXTENSION.eventId]: 'urn:uuid:9cc50e7d-2cf0-4ba7-a35f-c299cc7a6ca3',
          [EXTENSION.eventType]: 'MessageEvent#Posted',
          [EXTENSION.sessionId]: SESSION,
          [EXTENSION.membershipId]: 'urn:instructure:canvas:course:21070000000000565:Learner:21070000000098765',
          [EXTENSION.membershipRoles]: ['Learner'],
        },
      },
      timestamp: '2019-11-01T19:11:03.933Z',
    });
  });

  it('discussion_topic_created (ThreadEvent Created): created the discussion', () => {
    const statement = statementOf('discussion_topic_created');
    expect(statement.id).toBe('d8639785-f4cd-875b-b9fe-e97e1cd8049b');
    expect(statement.actor).toEqual(canvasUser('21070000000000001'));
    expect(statement.verb).toEqual(verb(VERB.created));
    expect(statement.object).toEqual(activity('urn:instructure:canvas:discussion:140000002236385', ACTIVITY_TYPE.discussion, 'Week 10: Sin, cos, and tan'));
    expect(statement.context.registration).toBe('35c4111e-8765-8a3f-9a7a-d3f2020aa29d');
    expect(statement.context.contextActivities).toEqual({ parent: [course('565')] });
    expect(statement.context.extensions[EXTENSION.membershipRoles]).toEqual(['Instructor']);
  });

  it.each([
    ['logged_in', VERB.loggedIn, 'a2a7d1b8-0882-80f3-bcde-5cac604ca379', '2019-11-01T19:11:01.335Z'],
    ['logged_out', VERB.loggedOut, '452292e4-7d5a-8812-9141-d1352a1aecc4', '2019-11-01T19:11:04.195Z'],
  ])('%s (SessionEvent): the user logged in/out of the Canvas instance (an lms activity)', (name, mappedVerb, id, timestamp) => {
    expect(statementOf(name)).toEqual({
      id,
      actor: canvasUser('21070000000000001'),
      verb: verb(mappedVerb),
      object: activity(`${CANVAS}/`, ACTIVITY_TYPE.lms),
      context: {
        platform: 'Canvas',
        extensions: { [EXTENSION.eventId]: expect.stringMatching(/^urn:uuid:/), [EXTENSION.eventType]: expect.stringMatching(/^SessionEvent#Logged(In|Out)$/), [EXTENSION.sessionId]: SESSION },
      },
      timestamp,
    });
  });

  it('submission_updated (a generic Event Modified) is skipped and counted, naming the type and action', () => {
    expect(translationsOf('submission_updated')).toEqual([{ outcome: 'skipped', eventId: 'urn:uuid:77516df0-a8bb-49ae-a859-0471e9269378', reason: 'unsupported event Event#Modified' }]);
  });
});

/** Events shaped as the Caliper 1.1 specification's examples, for the learning events Canvas's published examples lack. */
function specEvent(type: string, action: string, object: object, more: object = {}): Record<string, unknown> {
  return {
    '@context': 'http://purl.imsglobal.org/ctx/caliper/v1p1',
    id: `urn:uuid:${type}-${action}-0001`,
    type,
    actor: { id: 'urn:instructure:canvas:user:554433', type: 'Person' },
    action,
    object,
    eventTime: '2016-11-15T10:15:00.000Z',
    edApp: { id: 'https://canvas.example.edu', type: 'SoftwareApplication' },
    group: { id: 'urn:instructure:canvas:course:7', type: 'CourseOffering' },
    ...more,
  };
}

function mapped(translation: Translation): XapiStatement {
  if (translation.outcome !== 'mapped') throw new Error(translation.reason);
  return translation.statement;
}

const QUIZ = { id: 'https://canvas.example.edu/courses/7/quizzes/1', type: 'Assessment', name: 'Quiz 1' };
const ITEM = { id: 'https://canvas.example.edu/courses/7/quizzes/1/items/3', type: 'AssessmentItem', name: 'Item 3', isPartOf: QUIZ };

describe('Caliper 1.1 learning events beyond the published examples', () => {
  it('AssessmentEvent Started with the Assessment as object and a generated Attempt: attempted the quiz, the attempt number kept', () => {
    const statement = mapped(translateEvent(specEvent('AssessmentEvent', 'Started', QUIZ, { generated: { id: 'urn:attempt:1', type: 'Attempt', count: 2 } })));
    expect(statement.verb).toEqual(verb(VERB.attempted));
    expect(statement.object).toEqual(activity(QUIZ.id, ACTIVITY_TYPE.assessment, 'Quiz 1'));
    expect(statement.actor).toEqual({ objectType: 'Agent', account: { homePage: 'https://canvas.example.edu', name: '554433' } });
    expect(statement.context.extensions).toMatchObject({ [EXTENSION.objectId]: 'urn:attempt:1', [EXTENSION.attemptCount]: 2 });
  });

  it('AssessmentItemEvent Completed: answered the item (cmi.interaction) with its response, the quiz as parent, the course as grouping', () => {
    const generated = { id: 'urn:response:1', type: 'MultipleResponseResponse', values: ['a', 'c'] };
    const statement = mapped(translateEvent(specEvent('AssessmentItemEvent', 'Completed', ITEM, { generated })));
    expect(statement.verb).toEqual(verb(VERB.answered));
    expect(statement.object).toEqual(activity(ITEM.id, ACTIVITY_TYPE.question, 'Item 3'));
    expect(statement.result).toEqual({ response: 'a[,]c' });
    expect(statement.context.contextActivities).toEqual({ parent: [activity(QUIZ.id, ACTIVITY_TYPE.assessment, 'Quiz 1')], grouping: [course('7')] });
  });

  it('AssessmentItemEvent Started and Skipped: attempted and skipped', () => {
    expect(mapped(translateEvent(specEvent('AssessmentItemEvent', 'Started', ITEM))).verb).toEqual(verb(VERB.attempted));
    expect(mapped(translateEvent(specEvent('AssessmentItemEvent', 'Skipped', ITEM))).verb).toEqual(verb(VERB.skipped));
  });

  it('ViewEvent Viewed: experienced the document', () => {
    const statement = mapped(translateEvent(specEvent('ViewEvent', 'Viewed', { id: 'https://canvas.example.edu/files/9', type: 'Document', name: 'Syllabus' })));
    expect(statement.verb).toEqual(verb(VERB.experienced));
    expect(statement.object).toEqual(activity('https://canvas.example.edu/files/9', ACTIVITY_TYPE.document, 'Syllabus'));
  });

  it('ForumEvent Subscribed and Unsubscribed: followed and stopped following the forum', () => {
    const forum = { id: 'https://canvas.example.edu/courses/7/forums/1', type: 'Forum', name: 'Questions' };
    expect(mapped(translateEvent(specEvent('ForumEvent', 'Subscribed', forum))).verb).toEqual(verb(VERB.followed));
    expect(mapped(translateEvent(specEvent('ForumEvent', 'Unsubscribed', forum))).verb).toEqual(verb(VERB.stoppedFollowing));
  });

  it('actions given as full Caliper IRIs (the 1.1 drafts) map as their terms', () => {
    const statement = mapped(translateEvent(specEvent('AssessmentItemEvent', 'http://purl.imsglobal.org/vocab/caliper/v1/action#Started', ITEM)));
    expect(statement.verb).toEqual(verb(VERB.attempted));
  });

  it('a graded score within its bounds keeps min, max and scaled', () => {
    const generated = { id: 'urn:score:1', type: 'Score', scoreGiven: 7.5, maxScore: 10 };
    const attempt = { id: 'urn:attempt:2', type: 'Attempt', assignee: { id: 'urn:instructure:canvas:user:9', type: 'Person' }, assignable: QUIZ };
    const statement = mapped(translateEvent(specEvent('GradeEvent', 'Graded', attempt, { generated })));
    expect(statement.actor.account.name).toBe('9');
    expect(statement.context.instructor).toEqual({ objectType: 'Agent', account: { homePage: 'https://canvas.example.edu', name: '554433' } });
    expect(statement.result).toEqual({ score: { raw: 7.5, min: 0, max: 10, scaled: 0.75 } });
  });
});

describe('hostile and malformed input', () => {
  const base = () => specEvent('NavigationEvent', 'NavigatedTo', { id: 'https://canvas.example.edu/courses/7', type: 'CourseOffering' });
  const skipReason = (event: unknown, sensor?: string) => {
    const translation = translateEvent(event, sensor);
    return translation.outcome === 'skipped' ? translation.reason : 'mapped';
  };

  it.each([
    ['not an object', 'text', 'the event is not a JSON object'],
    ['an array', [1, 2], 'the event is not a JSON object'],
    ['no id', { ...base(), id: undefined }, 'the event has no id, so it could not be stored once only'],
    ['an unknown type', { ...base(), type: 'AnnotationEvent', action: 'Highlighted' }, 'unsupported event AnnotationEvent#Highlighted'],
    ['no type or action', { ...base(), type: 7, action: null }, 'unsupported event ?#?'],
    ['no actor', { ...base(), actor: undefined }, 'actor is missing'],
    ['an actor without id', { ...base(), actor: { type: 'Person' } }, 'actor.id is missing'],
    ['an object id that is no IRI', { ...base(), object: { id: 'not an iri', type: 'Entity' } }, 'object.id is not an IRI'],
    ['an eventTime without zone', { ...base(), eventTime: '2019-11-01 19:11:03' }, 'eventTime is not an ISO 8601 time with a time zone'],
    ['an impossible eventTime', { ...base(), eventTime: '2019-13-45T99:00:00Z' }, 'eventTime is not an ISO 8601 time with a time zone'],
    ['no Canvas URL anywhere', { ...base(), edApp: { id: 'urn:x' } }, 'neither edApp.id nor the envelope sensor is an http(s) URL naming the Canvas instance'],
    ['a grade of nobody', specEvent('GradeEvent', 'Graded', { id: 'urn:a', type: 'Attempt', assignable: QUIZ }), 'object.assignee is missing'],
  ])('an event with %s is skipped with its reason', (_what, event, reason) => {
    expect(skipReason(event)).toBe(reason);
  });

  it("the envelope's sensor names the Canvas instance when the event has no edApp", () => {
    const translation = translateEvent({ ...base(), edApp: undefined }, 'https://lms.example.org/');
    expect(mapped(translation).actor.account.homePage).toBe('https://lms.example.org');
  });

  it(`an event nesting deeper than ${MAX_EVENT_DEPTH} levels is skipped unread; 100,000 levels take no recursion`, () => {
    let deep: Record<string, unknown> = {};
    const event = { ...base(), extensions: deep };
    for (let level = 0; level < 100_000; level++) deep = deep.next = {};
    expect(skipReason(event)).toBe(`the event nests deeper than ${MAX_EVENT_DEPTH} levels`);
    expect(skipReason({ ...base(), extensions: { a: { b: { c: 1 } } } })).toBe('mapped');
  });

  it('huge arrays inside an event are bounded: 16 roles, 100 response values', () => {
    const roles = Array.from({ length: 100_000 }, (_, index) => `Role${index}`);
    const membership = { id: 'urn:m:1', type: 'Membership', member: { id: 'urn:instructure:canvas:user:554433' }, roles };
    expect(mapped(translateEvent({ ...base(), membership })).context.extensions[EXTENSION.membershipRoles]).toHaveLength(16);
    const generated = { id: 'urn:r', type: 'Response', values: Array.from({ length: 100_000 }, () => 'x') };
    expect(mapped(translateEvent(specEvent('AssessmentItemEvent', 'Completed', ITEM, { generated }))).result!.response!.split('[,]')).toHaveLength(100);
  });

  it('texts longer than 2,048 characters are not taken (an object id, a name)', () => {
    expect(skipReason({ ...base(), object: { id: `https://canvas.example.edu/${'x'.repeat(3000)}`, type: 'Page' } })).toBe('object.id is not an IRI');
    expect(mapped(translateEvent({ ...base(), object: { id: 'https://canvas.example.edu/p', type: 'Page', name: 'n'.repeat(3000) } })).object.definition).toEqual({ type: ACTIVITY_TYPE.page });
  });

  it.each([
    ['a JSON array', [], 'the body must be a Caliper envelope {"sensor", "sendTime", "dataVersion", "data": [events]} or one Caliper event'],
    ['a number', 42, 'the body must be a Caliper envelope {"sensor", "sendTime", "dataVersion", "data": [events]} or one Caliper event'],
    ['data not an array', { sensor: CANVAS, data: { id: 'x' } }, 'data must be an array of Caliper events'],
    ['neither data nor an event', { sensor: CANVAS }, 'data must be an array of Caliper events'],
    ['another dataVersion', { dataVersion: 'http://purl.imsglobal.org/ctx/caliper/v1p0', data: [] }, 'dataVersion must be one of http://purl.imsglobal.org/ctx/caliper/v1p1, http://purl.imsglobal.org/ctx/caliper/v1p2'],
    ['a sensor that is no text', { sensor: { id: 1 }, data: [] }, "sensor must be a non-empty text (the sender's IRI)"],
    ['too many events', { data: Array.from({ length: MAX_ENVELOPE_EVENTS + 1 }, () => ({})) }, `data holds ${MAX_ENVELOPE_EVENTS + 1} events; at most ${MAX_ENVELOPE_EVENTS} are taken in one envelope`],
  ])('a body that is %s is refused whole: 400 CALIPER_ENVELOPE_INVALID naming the field', (_what, body, message) => {
    expect(() => readCaliperBody(body)).toThrow(expect.objectContaining({ status: 400, code: CALIPER_ENVELOPE_INVALID, message }));
  });

  it('a bare event (no envelope) is one event; a bad event among good ones is skipped alone; a repeated event id once', () => {
    expect(readCaliperBody(base()).events).toHaveLength(1);
    const good = base();
    const outcomes = translateEnvelope(readCaliperBody({ sensor: CANVAS, data: [good, 'garbage', { ...good }] })).map((t) => t.outcome === 'mapped' ? 'mapped' : t.reason);
    expect(outcomes).toEqual(['mapped', 'the event is not a JSON object', 'the same event id appears earlier in this envelope']);
  });
});

describe('every statement the mapping makes is valid xAPI 1.0.3: a real LRS stores it (Data §2, Communication §2.1.2)', () => {
  let lrs: TestLrs;
  beforeAll(async () => {
    lrs = await createTestLrs();
  });
  afterAll(() => lrs.close());

  const EXAMPLES = ['submission_created', 'grade_change', 'quiz_submitted', 'asset_accessed-account', 'asset_accessed-assignment', 'discussion_entry_created', 'discussion_topic_created', 'logged_in', 'logged_out'];

  it('the published examples and the specification-shaped events are stored under their ids, and stored again unchanged when re-sent', async () => {
    const statements = [
      ...EXAMPLES.map(statementOf),
      mapped(translateEvent(specEvent('AssessmentItemEvent', 'Completed', ITEM, { generated: { id: 'urn:r', type: 'FillinBlankResponse', values: ['x', 'y'] } }))),
      mapped(translateEvent(specEvent('GradeEvent', 'Graded', { id: 'urn:attempt:3', type: 'Attempt', assignee: { id: 'urn:instructure:canvas:user:9', type: 'Person' }, assignable: QUIZ }, { generated: { type: 'Score', scoreGiven: 3, maxScore: 4 } }))),
      mapped(translateEvent(specEvent('ForumEvent', 'Subscribed', { id: 'https://canvas.example.edu/forums/1', type: 'Forum' }))),
    ];
    const post = () => request(lrs.app).post('/xapi/statements').set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER).send(statements);
    const first = await post();
    expect(first.status).toBe(200);
    expect(first.body).toEqual(statements.map((statement) => statement.id));
    expect((await post()).status).toBe(200);
    const stored = await request(lrs.app).get('/xapi/statements').query({ statementId: statements[1]!.id }).set('Authorization', lrs.auth).set(XAPI_VERSION_HEADER);
    expect(stored.body).toMatchObject({ actor: statements[1]!.actor, verb: statements[1]!.verb, result: statements[1]!.result, timestamp: '2019-11-01T19:11:05.222Z' });
  });
});
