/**
 * The Receiver every incoming path stores through (inbox, forwarding, pull, Caliper), on the whole
 * LRS and both engines: the origin authority is kept only under a recognition in force for the
 * statement's verb and activity type, otherwise the delivering credential's applies and the
 * origin's stays in the provenance (issue 15; xAPI Data 2.4.9); attachments arrive with their
 * statements (Communication 1.5.2); a refused statement does not keep the rest of its batch out.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { Agent } from '../../../plugin-api';
import { ATTEMPTED, COMPLETED, ORIGIN_AUTHORITY, originProvenance, originStatement, startInboundLrs, type InboundHarness, type TestPeer } from './harness.contract';

const RECEIVER_AUTHORITY: Agent = { objectType: 'Agent', name: 'Peer credential', account: { homePage: 'http://lrs.test/', name: 'peer-credential' } };
const COURSE = 'http://adlnet.gov/expapi/activities/course';

describe.each(TEST_ENGINES)('the Receiver on %s', (engine) => {
  let harness: InboundHarness;
  let recognized: TestPeer;
  let stranger: TestPeer;

  beforeAll(async () => {
    harness = await startInboundLrs(engine);
    const community = await harness.recognizedCommunity({ verbs: [COMPLETED], activityTypes: [COURSE] });
    recognized = await harness.addPeer('xapi', { community });
    stranger = await harness.addPeer('xapi', { community: (await harness.lrs.foundCommunity()).slug });
  }, 60_000);
  afterAll(() => harness.close());

  const items = (...statements: Array<Record<string, any>>) => statements.map((statement) => ({ statement, provenance: originProvenance(statement) }));
  const provenanceOf = async (id: string) => (await harness.provenance(id).expect(200)).body;

  describe('authority (Data 2.4.9: kept only under a recognition agreement)', () => {
    it('a recognised peer\'s statement within the scope keeps its origin authority', async () => {
      const statement = originStatement();
      await harness.receiver.accept(recognized.peer, 'pull', items(statement), [], RECEIVER_AUTHORITY);
      expect((await harness.statement(statement.id))!.authority).toEqual(ORIGIN_AUTHORITY);
      expect(await provenanceOf(statement.id)).toEqual(expect.objectContaining({ authorityKept: true, originAuthority: ORIGIN_AUTHORITY, peer: recognized.peer.slug, via: 'pull' }));
    });

    it('the same peer\'s statement outside the scope (another verb) gets the receiver\'s authority; the origin\'s stays in the provenance', async () => {
      const statement = originStatement({ verb: { id: ATTEMPTED, display: { en: 'attempted' } } });
      await harness.receiver.accept(recognized.peer, 'pull', items(statement), [], RECEIVER_AUTHORITY);
      expect((await harness.statement(statement.id))!.authority).toEqual(RECEIVER_AUTHORITY);
      expect(await provenanceOf(statement.id)).toEqual(expect.objectContaining({ authorityKept: false, originAuthority: ORIGIN_AUTHORITY }));
    });

    it('an Activity of another type is outside the scope too', async () => {
      const statement = originStatement({ object: { objectType: 'Activity', id: 'https://origin.example/assessments/quiz-1', definition: { type: 'http://adlnet.gov/expapi/activities/assessment' } } });
      await harness.receiver.accept(recognized.peer, 'pull', items(statement), [], RECEIVER_AUTHORITY);
      expect((await harness.statement(statement.id))!.authority).toEqual(RECEIVER_AUTHORITY);
    });

    it('an Activity without a type is judged by its verb alone (governance checks the kinds it is given)', async () => {
      const statement = originStatement({ object: { objectType: 'Activity', id: 'https://origin.example/courses/untyped' } });
      await harness.receiver.accept(recognized.peer, 'pull', items(statement), [], RECEIVER_AUTHORITY);
      expect((await harness.statement(statement.id))!.authority).toEqual(ORIGIN_AUTHORITY);
    });

    it('a peer whose community is not recognised (the recognition is directional) gets the receiver\'s authority', async () => {
      const statement = originStatement();
      await harness.receiver.accept(stranger.peer, 'pull', items(statement), [], RECEIVER_AUTHORITY);
      expect((await harness.statement(statement.id))!.authority).toEqual(RECEIVER_AUTHORITY);
      expect(await provenanceOf(statement.id)).toEqual(expect.objectContaining({ authorityKept: false, originAuthority: ORIGIN_AUTHORITY }));
    });

    it('a peer with no community gets the receiver\'s authority', async () => {
      const loner = await harness.addPeer('xapi');
      const statement = originStatement();
      await harness.receiver.accept(loner.peer, 'pull', items(statement), [], RECEIVER_AUTHORITY);
      expect((await harness.statement(statement.id))!.authority).toEqual(RECEIVER_AUTHORITY);
    });
  });

  it('the first arrival\'s provenance is kept: the same statement from a second peer stores nothing and changes no provenance', async () => {
    const statement = originStatement();
    await harness.receiver.accept(recognized.peer, 'pull', items(statement), [], RECEIVER_AUTHORITY);
    const first = await provenanceOf(statement.id);
    expect(await harness.receiver.accept(stranger.peer, 'inbox', items(statement), [], RECEIVER_AUTHORITY)).toEqual([statement.id]);
    expect(await provenanceOf(statement.id)).toEqual(first);
    expect((await harness.statement(statement.id))!.authority).toEqual(ORIGIN_AUTHORITY);
  });

  it('attachments arrive with their statements and are served with them (Communication 1.5.2)', async () => {
    const content = Buffer.from(`certificate of ${randomUUID()}`);
    const sha2 = createHash('sha256').update(content).digest('hex');
    const statement = originStatement({
      attachments: [{ usageType: 'http://id.tincanapi.com/attachment/certificate-of-completion', display: { en: 'Certificate' }, contentType: 'text/plain', length: content.length, sha2 }],
    });
    await harness.receiver.accept(stranger.peer, 'pull', items(statement), [{ sha2, contentType: 'text/plain', content }], RECEIVER_AUTHORITY);
    const read = await harness.statementWithAttachments(statement.id);
    expect(read.contentType).toMatch(/^multipart\/mixed/);
    expect(read.body.includes(content)).toBe(true);
  });

  it('a statement whose attachment did not come is refused, naming it, and nothing of the batch is stored', async () => {
    const companion = originStatement();
    const statement = originStatement({ attachments: [{ usageType: 'http://example.com/usage', display: { en: 'x' }, contentType: 'text/plain', length: 3, sha2: 'a'.repeat(64) }] });
    await expect(harness.receiver.accept(stranger.peer, 'pull', items(companion, statement), [], RECEIVER_AUTHORITY)).rejects.toMatchObject({ status: 400 });
    expect(await harness.statement(companion.id)).toBeUndefined();
  });

  it('acceptEach: a refused statement stands alone with its reason, the others of the batch are stored', async () => {
    const batch = Array.from({ length: 10 }, () => originStatement());
    batch[3] = originStatement({ verb: { id: 'not an IRI' } });
    const taken = batch[7]!;
    await harness.receiver.accept(stranger.peer, 'pull', items(taken), [], RECEIVER_AUTHORITY);
    batch[7] = { ...taken, result: { success: false } }; // a different statement under a stored id
    const outcomes = await harness.receiver.acceptEach(stranger.peer, 'pull', items(...batch), [], RECEIVER_AUTHORITY);
    expect(outcomes.filter((outcome) => outcome.outcome === 'refused')).toEqual([
      { index: 3, id: batch[3]!.id, outcome: 'refused', status: 400, code: expect.any(String), message: expect.stringContaining('verb.id') },
      { index: 7, id: taken.id, outcome: 'refused', status: 409, code: expect.any(String), message: expect.any(String) },
    ]);
    expect(outcomes.filter((outcome) => outcome.outcome === 'stored').map((outcome) => outcome.index)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
    for (const index of [0, 1, 2, 4, 5, 6, 8, 9]) expect((await harness.statement(batch[index]!.id))?.id).toBe(batch[index]!.id);
    expect(await harness.statement(batch[3]!.id)).toBeUndefined();
    expect((await harness.statement(taken.id))!.result).toBeUndefined();
  });
});
