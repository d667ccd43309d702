import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { attended, keyOf, newSession, person, rated, ReputationTestLrs, type TestAgent } from '../../../../test-support/reputation';
import { VERB } from '../vocabulary';
import { FRAUD_SCAN_JOB, type FlagView } from '.';

/** Each session attended (as School asserts) by all of them, and each rating every other one `score`. */
function sessionsRatingEachOther(people: TestAgent[], sessions: number, score: number, roles: Array<'tutor' | 'student' | 'peer'> = people.map(() => 'peer')): object[] {
  return Array.from({ length: sessions }, () => {
    const session = newSession();
    const ratings = people.flatMap((rater, i) => people.flatMap((ratee, j) => (i === j ? [] : [rated(rater, ratee, session, { score, raterRole: roles[i], rateeRole: roles[j] })])));
    return [...attended(session, ...people), ...ratings];
  }).flat();
}

describe('fraud scan over the whole LRS', () => {
  let lrs: ReputationTestLrs;
  let reader: string;
  let moderator: string;

  beforeAll(async () => {
    lrs = await ReputationTestLrs.start();
    reader = await lrs.lrs.credential(['statements/read']);
    moderator = await lrs.lrs.credential(['plugins/reputation/moderate']);
  });
  afterAll(() => lrs.close());

  const runScan = async () => {
    const job = lrs.lrs.services.plugins.find((plugin) => plugin.name === 'reputation')!.jobs.find((entry) => entry.name === FRAUD_SCAN_JOB)!.job;
    await job.run();
    await lrs.delivered();
  };

  /** The open flags, as the moderators' API lists them. */
  const openFlags = async (): Promise<FlagView[]> => (await request(lrs.lrs.app).get('/plugins/reputation/api/flags').set('Authorization', moderator).expect(200)).body.flags;

  const flaggedStatements = async () => {
    const response = await request(lrs.lrs.app).get('/xapi/statements').query({ verb: VERB.flagged, limit: 100 }).set(XAPI_VERSION_HEADER).set('Authorization', reader).expect(200);
    return response.body.statements as Array<Record<string, any>>;
  };

  it('raises a ring once (one flagged statement per member, one case), again never, and no honest reciprocal pair', async () => {
    const ring = [person('ring-a'), person('ring-b'), person('ring-c')];
    await lrs.store(sessionsRatingEachOther(ring, 3, 5));
    // A tutor and a student rating each other 5 after four sessions; the tutor has other students too.
    const [tutor, student] = [person('tutor'), person('student')];
    await lrs.store(sessionsRatingEachOther([tutor, student], 4, 5, ['tutor', 'student']));
    for (const other of [person('other-1'), person('other-2')]) await lrs.store(sessionsRatingEachOther([tutor, other], 2, 4, ['tutor', 'student']));

    await runScan();
    const flagged = await flaggedStatements();
    expect(flagged).toHaveLength(3);
    expect(flagged.map((statement) => keyOf(statement.object)).sort()).toEqual(ring.map(keyOf).sort());
    const registrations = new Set(flagged.map((statement) => statement.context.registration));
    expect(registrations.size).toBe(1);
    const signal = flagged[0].result.extensions['https://w3id.org/keiko/profiles/reputation/extensions/fraud-signal'];
    expect(signal.kind).toBe('ring');
    expect(signal.evidence).toHaveLength(18);
    expect(signal.explanation).toBe('3 people rated one another 18 times, 100% of them 5, in a closed circle: 100% of the ratings they give and 100% of those they receive stay among them.');
    expect(flagged[0].actor).toEqual({ objectType: 'Agent', name: 'Keiko reputation service', account: { homePage: expect.any(String), name: 'plugin:reputation' } });

    expect(await openFlags()).toEqual([expect.objectContaining({ id: [...registrations][0], kind: 'ring', subjects: ring.map(keyOf).sort(), statementId: expect.any(String) })]);

    await runScan();
    expect(await flaggedStatements()).toHaveLength(3);
  });

  it('raises serial rating stored after the last scan at the next one', async () => {
    const [bomber, victim] = [person('bomber'), person('victim')];
    const sessions = Array.from({ length: 6 }, () => newSession());
    await lrs.store(sessions.flatMap((session) => [...attended(session, bomber, victim), rated(bomber, victim, session, { score: 1 })]));
    await runScan();
    const serial = (await flaggedStatements()).filter((statement) => keyOf(statement.object) === keyOf(bomber));
    expect(serial).toHaveLength(1);
    expect(serial[0].result.extensions['https://w3id.org/keiko/profiles/reputation/extensions/fraud-signal']).toMatchObject({ kind: 'serial-rating', explanation: `${keyOf(bomber)} rated ${keyOf(victim)} 6 times within 1 minutes (6 sessions), 100% of them 1.` });
  });

  // Last: the delivery is stopped for the rebuild.
  it('restores the flags from the statements alone in a rebuild (the store is derived)', async () => {
    const before = await openFlags();
    expect(before.map((flag) => flag.kind).sort()).toEqual(['ring', 'serial-rating']);
    const { events } = lrs.lrs.services;
    await events.stop();
    await events.rebuild('reputation');
    expect(await openFlags()).toEqual(before);
  });
});
