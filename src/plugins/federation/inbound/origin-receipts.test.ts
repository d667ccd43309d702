/**
 * Origin receipts verified at the destination (issue 15: each federated statement keeps "its
 * origin Starknet receipt, verifiable at the destination"), on the whole LRS and both engines,
 * with receipts in the anchoring format (docs/anchoring.md §4) signed by a test issuer and checked
 * by the anchoring plugin's verifier: one delivered with the statement is checked on arrival; one
 * the origin had not issued yet is asked of the Keiko peer when the provenance is read.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { RECEIPTS_CHECKED_ON_ARRIVAL } from './origin-receipts';
import { envelopeOf, ORIGIN, originProvenance, originReceipt, originStatement, startInboundLrs, type InboundHarness, type TestPeer } from './harness.contract';

const PEER_KEY = 'receiver-at-peer';
const PEER_SECRET = 'its-secret';

/** A Keiko peer's LRS over real HTTP: what it answers for receipts and provenance, set by the test. */
async function keikoPeerServer() {
  const answers = new Map<string, { status: number; body: unknown }>();
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url!);
    const authorized = req.headers.authorization === `Basic ${Buffer.from(`${PEER_KEY}:${PEER_SECRET}`).toString('base64')}`;
    const answer = authorized ? (answers.get(req.url!) ?? { status: 404, body: { code: 'NOT_FOUND', message: 'no such thing' } }) : { status: 401, body: { code: 'UNAUTHORIZED' } };
    res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, answers, asked, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(TEST_ENGINES)('origin receipts on %s', (engine) => {
  let harness: InboundHarness;
  let peerServer: Awaited<ReturnType<typeof keikoPeerServer>>;
  let keiko: TestPeer;

  beforeAll(async () => {
    harness = await startInboundLrs(engine);
    peerServer = await keikoPeerServer();
    keiko = await harness.addPeer('keiko', { endpoint: `${peerServer.base}/xapi`, outboundCredentials: { key: PEER_KEY, secret: PEER_SECRET } });
  }, 60_000);
  afterAll(async () => {
    await peerServer.close();
    await harness.close();
  });

  const receiptCheckOf = async (id: string) => (await harness.provenance(id).expect(200)).body.receiptCheck;

  it('a receipt delivered with the statement is verified on arrival, against the statement as the origin stored it', async () => {
    const statement = originStatement();
    const receipt = await originReceipt(statement);
    await harness.deliver(keiko, envelopeOf([statement], [originProvenance(statement, { receipt })])).expect(200);
    const provenance = (await harness.provenance(statement.id).expect(200)).body;
    expect(provenance.receiptCheck).toEqual({ state: 'verified', checkedAt: expect.any(String) });
    expect(provenance.receipt).toEqual(receipt);
    expect(peerServer.asked).toEqual([]);
  });

  it('a receipt that is not of the statement delivered (its content changed on the way) is recorded invalid, naming the digest', async () => {
    const statement = originStatement();
    const receipt = await originReceipt(statement);
    const altered = { ...statement, result: { success: true } };
    await harness.deliver(keiko, envelopeOf([altered], [originProvenance(statement, { receipt })])).expect(200);
    expect(await receiptCheckOf(statement.id)).toEqual({ state: 'invalid', checkedAt: expect.any(String), reason: expect.stringMatching(/^digest: /) });
  });

  it('a receipt with a forged signature is recorded invalid, naming the signature', async () => {
    const statement = originStatement();
    const receipt = (await originReceipt(statement)) as { signature: string[] };
    const forged = { ...receipt, signature: [receipt.signature[1], receipt.signature[0]] };
    await harness.deliver(keiko, envelopeOf([statement], [originProvenance(statement, { receipt: forged })])).expect(200);
    expect((await receiptCheckOf(statement.id)).reason).toMatch(/signature: /);
  });

  it('none yet from the origin peer: pending, then asked of it when read, and verified once it has anchored it', async () => {
    const statement = originStatement();
    await harness.deliver(keiko, envelopeOf([statement])).expect(200);
    const receiptPath = `/plugins/anchoring/receipts/${statement.id}`;
    peerServer.answers.set(receiptPath, { status: 404, body: { code: 'NOT_ANCHORED_YET', message: 'not anchored yet' } });
    expect(await receiptCheckOf(statement.id)).toEqual({ state: 'pending', checkedAt: expect.any(String), reason: 'the peer answered 404 NOT_ANCHORED_YET' });
    expect(peerServer.asked).toContain(receiptPath);

    peerServer.answers.set(receiptPath, { status: 200, body: await originReceipt(statement) });
    const provenance = (await harness.provenance(statement.id).expect(200)).body;
    expect(provenance.receiptCheck).toEqual({ state: 'verified', checkedAt: expect.any(String) });
    expect(provenance.receipt).toEqual(await originReceipt(statement).then((receipt) => ({ ...receipt, signature: expect.any(Array) })));
    const asks = peerServer.asked.length;
    await harness.provenance(statement.id).expect(200);
    expect(peerServer.asked.length).toBe(asks); // verified: never asked again
  });

  it('relayed by the peer (two hops): asked of the peer\'s own provenance of it', async () => {
    const statement = originStatement();
    const relayed = originProvenance(statement, { hops: [ORIGIN, peerServer.base] });
    await harness.deliver(keiko, envelopeOf([statement], [relayed])).expect(200);
    peerServer.answers.set(`/plugins/federation/provenance/${statement.id}`, { status: 200, body: { ...relayed, statementId: statement.id, receipt: await originReceipt(statement) } });
    expect((await receiptCheckOf(statement.id)).state).toBe('verified');
  });

  it('a receipt the peer answers for another statement is invalid; garbage is no receipt (still pending)', async () => {
    const [statement, other] = [originStatement(), originStatement()];
    await harness.deliver(keiko, envelopeOf([statement, other])).expect(200);
    peerServer.answers.set(`/plugins/anchoring/receipts/${statement.id}`, { status: 200, body: await originReceipt(other!) });
    expect((await receiptCheckOf(statement.id)).state).toBe('invalid');
    peerServer.answers.set(`/plugins/anchoring/receipts/${other!.id}`, { status: 200, body: 'garbage' });
    expect(await receiptCheckOf(other!.id)).toEqual({ state: 'pending', checkedAt: expect.any(String), reason: 'the peer has no receipt of it yet' });
  });

  it(`a delivery with more than ${RECEIPTS_CHECKED_ON_ARRIVAL} receipts: the first ${RECEIPTS_CHECKED_ON_ARRIVAL} checked on arrival, the others when their provenance is read`, async () => {
    const statements = Array.from({ length: RECEIPTS_CHECKED_ON_ARRIVAL + 1 }, () => originStatement());
    const receipts = await Promise.all(statements.map((statement) => originReceipt(statement)));
    await harness.deliver(keiko, envelopeOf(statements, statements.map((statement, index) => originProvenance(statement, { receipt: receipts[index] })))).expect(200);
    const last = statements.at(-1)!;
    const checks = await Promise.all(statements.slice(0, -1).map(async (statement) => (await harness.provenanceStore.get(statement.id))?.receiptCheck?.state));
    expect(checks).toEqual(statements.slice(0, -1).map(() => 'verified'));
    expect((await harness.provenanceStore.get(last.id))?.receiptCheck).toEqual({ state: 'pending', checkedAt: expect.any(String), reason: expect.stringContaining('checked when its provenance is read') });
    const asks = peerServer.asked.length;
    expect(await receiptCheckOf(last.id)).toEqual({ state: 'verified', checkedAt: expect.any(String) });
    expect(peerServer.asked.length).toBe(asks); // the receipt it holds is checked, the peer is not asked
  });

  it('statements forwarded by a peer that is no Keiko LRS carry no receipt check', async () => {
    const forwarder = await harness.addPeer('xapi');
    const statement = originStatement();
    await harness.receiver.accept(forwarder.peer, 'forward', [{ statement, provenance: originProvenance(statement) }], [], { objectType: 'Agent', mbox: 'mailto:forwarder@example.com' });
    expect((await harness.provenance(statement.id).expect(200)).body.receiptCheck).toBeUndefined();
  });
});
