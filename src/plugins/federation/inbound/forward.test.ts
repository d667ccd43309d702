/**
 * The forwarding endpoint, sent exactly what Learning Locker and SCORM Cloud send (issue 15: "a
 * receiving endpoint for their statement forwarding"), on the whole LRS and both engines.
 *
 * Learning Locker (github.com/LearningLocker/learninglocker, worker/src/handlers/statement/
 * statementForwarding/statementForwardingRequestHandler.js, and lib/helpers/statementForwarding.js):
 * one POST per stored statement to `<protocol>://<url>`, body the statement (`statement.statement`)
 * or, with `fullDocument`, the whole database record; `Content-Type: application/json`, or with
 * `sendAttachments` `multipart/mixed; charset=UTF-8; boundary=zzzlearninglockerzzz` written by
 * xapi-service's streamStatementsWithAttachments.ts (a CRLF before the first delimiter, headers
 * without a space after the colon, a Content-Length per part, no CRLF after the close delimiter);
 * `X-Experience-API-Version` is the statement's own version (default 1.0.3); Basic auth; any
 * status from 200 to 399 counts as delivered, anything else is retried (maxRetries ≤ 10).
 * SCORM Cloud / Rustici Engine (scorm.com Engine docs, TinCanStatementForwardingConfiguration: a
 * forwarding pair is a destination endpoint URL and its credentials) forward as an xAPI client:
 * POST `<endpoint>/statements` with statements, or PUT with `statementId`.
 */
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { originStatement, startInboundLrs, type InboundHarness, type TestPeer } from './harness.contract';

const LEARNING_LOCKER_CLIENT = { objectType: 'Agent', name: 'New Client', mbox: 'mailto:hello@learninglocker.net' };
const LL_BOUNDARY = 'zzzlearninglockerzzz';

/** A statement as Learning Locker stores and forwards it (its client's authority, version 1.0.0). */
function learningLockerStatement(overrides: Record<string, unknown> = {}) {
  return originStatement({ authority: LEARNING_LOCKER_CLIENT, version: '1.0.0', stored: '2026-11-29T08:15:00.000Z', ...overrides });
}

/** The multipart body as xapi-service's streamStatementsWithAttachments writes it, byte for byte. */
function learningLockerMultipart(json: unknown, attachment: { contentType: string; content: Buffer; sha2: string }): Buffer {
  const crlf = '\r\n';
  const fullBoundary = `${crlf}--${LL_BOUNDARY}${crlf}`;
  const text = JSON.stringify(json);
  return Buffer.concat([
    Buffer.from(`${fullBoundary}Content-Type:application/json; charset=UTF-8${crlf}Content-Length:${text.length}${crlf}${crlf}${text}`),
    Buffer.from(`${fullBoundary}Content-Type:${attachment.contentType}${crlf}Content-Length:${attachment.content.length}${crlf}Content-Transfer-Encoding:binary${crlf}X-Experience-API-Hash:${attachment.sha2}${crlf}${crlf}`),
    attachment.content,
    Buffer.from(`${crlf}--${LL_BOUNDARY}--`),
  ]);
}

describe.each(TEST_ENGINES)('statement forwarding on %s', (engine) => {
  let harness: InboundHarness;
  let learningLocker: TestPeer;
  let scormCloud: TestPeer;

  beforeAll(async () => {
    harness = await startInboundLrs(engine);
    learningLocker = await harness.addPeer('xapi', { endpoint: 'https://ll.example/data/xAPI' });
    scormCloud = await harness.addPeer('xapi', { endpoint: 'https://cloud.scorm.com/lrs/APPID' });
  }, 60_000);
  afterAll(() => harness.close());

  const forward = (peer: TestPeer) => request(harness.lrs.lrs.app).post('/plugins/federation/forward/statements').set('Authorization', peer.auth);

  it('Learning Locker: one statement per POST, its own version header; forwarded again (a retry) it stores nothing new', async () => {
    const statement = learningLockerStatement();
    const first = await forward(learningLocker).set('X-Experience-API-Version', '1.0.0').set('Content-Type', 'application/json').send(statement);
    expect([first.status, first.body]).toEqual([200, [statement.id]]);
    const retry = await forward(learningLocker).set('X-Experience-API-Version', '1.0.0').set('Content-Type', 'application/json').send(statement);
    expect([retry.status, retry.body]).toEqual([200, [statement.id]]);
    expect((await harness.lrs.statements({ agent: JSON.stringify(statement.actor) })).map((stored) => stored.id)).toEqual([statement.id]);
    expect((await harness.provenance(statement.id).expect(200)).body).toEqual(
      expect.objectContaining({
        peer: learningLocker.peer.slug,
        via: 'forward',
        originLrs: 'https://ll.example/data/xAPI',
        originStored: '2026-11-29T08:15:00.000Z',
        originAuthority: LEARNING_LOCKER_CLIENT,
        hops: ['https://ll.example/data/xAPI'],
        authorityKept: false,
      }),
    );
    expect((await harness.statement(statement.id))!.authority).not.toEqual(LEARNING_LOCKER_CLIENT);
  });

  it('Learning Locker with "Send full database record?": the record\'s statement is stored', async () => {
    const statement = learningLockerStatement();
    const record = {
      _id: '59438cabedcedb70146337ec',
      lrs_id: '560a679c0c5d017e4004714f',
      organisation: '561a679c0c5d017e4004715a',
      client: '5a0dd1b3d9b5b4001a6a6b4a',
      active: true,
      voided: false,
      timestamp: statement.timestamp,
      stored: statement.stored,
      hash: 'c1e2b7c9',
      statement,
    };
    const response = await forward(learningLocker).set('Content-Type', 'application/json').send(record);
    expect([response.status, response.body]).toEqual([200, [statement.id]]);
    expect((await harness.statement(statement.id))!.verb.id).toBe(statement.verb.id);
  });

  it('Learning Locker with "Send attachments?": its multipart/mixed, byte for byte, stores the statement with its attachment (Communication 1.5.2)', async () => {
    const content = Buffer.from(`certificate ${randomUUID()}`);
    const sha2 = createHash('sha256').update(content).digest('hex');
    const statement = learningLockerStatement({
      attachments: [{ usageType: 'http://id.tincanapi.com/attachment/certificate-of-completion', display: { 'en-US': 'Certificate' }, contentType: 'text/plain', length: content.length, sha2 }],
    });
    const response = await forward(learningLocker)
      .set('Content-Type', `multipart/mixed; charset=UTF-8; boundary=${LL_BOUNDARY}`)
      .set('X-Experience-API-Version', '1.0.0')
      .send(learningLockerMultipart(statement, { contentType: 'text/plain', content, sha2 }));
    expect([response.status, response.body]).toEqual([200, [statement.id]]);
    expect((await harness.statementWithAttachments(statement.id)).body.includes(content)).toBe(true);
  });

  it('SCORM Cloud: POST <endpoint>/statements with a list, as an xAPI client', async () => {
    const statements = [originStatement({ stored: undefined, authority: undefined }), originStatement()];
    const response = await forward(scormCloud).set('X-Experience-API-Version', '1.0.3').send(statements);
    expect([response.status, response.body]).toEqual([200, statements.map((statement) => statement.id)]);
    const [first] = statements;
    const provenance = (await harness.provenance(first!.id).expect(200)).body;
    expect(provenance).toEqual(expect.objectContaining({ peer: scormCloud.peer.slug, via: 'forward', originLrs: 'https://cloud.scorm.com/lrs/APPID' }));
    expect(provenance.originAuthority).toBeUndefined();
    expect(Date.parse(provenance.originStored)).toBeGreaterThan(Date.now() - 60_000); // none sent: when it arrived
  });

  it('SCORM Cloud: PUT <endpoint>/statements?statementId=… answers 204, and again 204 (idempotent)', async () => {
    const { id, ...statement } = originStatement();
    const put = () => request(harness.lrs.lrs.app).put('/plugins/federation/forward/statements').query({ statementId: id }).set('Authorization', scormCloud.auth).send(statement);
    expect((await put()).status).toBe(204);
    expect((await put()).status).toBe(204);
    expect((await harness.statement(id))!.id).toBe(id);
    const other = await request(harness.lrs.lrs.app).put('/plugins/federation/forward/statements').query({ statementId: randomUUID() }).set('Authorization', scormCloud.auth).send({ ...statement, id });
    expect([other.status, other.body.code]).toEqual([400, 'INVALID_FORWARD']);
  });

  it('a different statement under a forwarded id: 409, the stored one unchanged', async () => {
    const statement = learningLockerStatement();
    await forward(learningLocker).send(statement).expect(200);
    const response = await forward(learningLocker).send({ ...statement, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } });
    expect(response.status).toBe(409);
    expect((await harness.statement(statement.id))!.verb.id).toBe(statement.verb.id);
  });

  it.each<[string, unknown, number, string]>([
    ['an empty list', [], 400, 'INVALID_FORWARD'],
    ['a text', 'hello', 400, 'INVALID_FORWARD'],
    ['a list of texts', ['x'], 400, 'INVALID_FORWARD'],
  ])('refuses %s with a clear 400', async (_name, body, status, code) => {
    const response = await forward(scormCloud).set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect([response.status, response.body.code]).toEqual([status, code]);
  });

  it('a credential that is no peer\'s is refused 403, nothing stored', async () => {
    const stranger = await harness.lrs.lrs.credential(['plugins/federation/deliver'], 'not a forwarder');
    const statement = learningLockerStatement();
    const response = await request(harness.lrs.lrs.app).post('/plugins/federation/forward/statements').set('Authorization', stranger).send(statement);
    expect([response.status, response.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(await harness.statement(statement.id)).toBeUndefined();
  });
});
