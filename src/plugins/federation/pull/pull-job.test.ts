/**
 * The pull job between two real LRSs over HTTP, on both engines for the pulling one (issue 15:
 * "Pull: from any conformant LRS with since and more, checkpointed, resumable after a crash of
 * either side"; 0 lost, 0 duplicated; a statement refused is parked and never blocks the rest).
 * The peer is a Keiko LRS on a port behind a proxy the tests turn hostile (peer-lrs.contract.ts);
 * the pulling LRS stores through the real Receiver (inbound/), parks through the real DeadLetters
 * (outbound/) and reads through the real RemoteLrs (remote/).
 */
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { sampleStatement } from '../../../../test-support/statements';
import { sameStatement, type Collection, type PluginContext } from '../../../plugin-api';
import { OriginReceipts } from '../inbound/origin-receipts';
import { PROVENANCE_STORES, ProvenanceStore } from '../inbound/provenance-store';
import { Receiver } from '../inbound/receiver';
import type { DeadLetter, ProvenanceEntry } from '../model';
import { DeadLetters, type StoredLetter } from '../outbound/dead-letters';
import { OUTBOUND_STORES } from '../outbound/records';
import { RemoteLrs } from '../remote/remote-lrs';
import { PeersInMemory, startPullLrs, type PullHarness } from './harness.contract';
import { pullAuthority, type PullJobOptions } from './job';
import { startPeerLrs, type PeerLrs } from './peer-lrs.contract';
import type { PullSource } from './records';

const PAGE_SIZE = 7;

describe.each(TEST_ENGINES)('the pull job on %s', (engine) => {
  let harness: PullHarness;
  let peer: PeerLrs;
  const peers = new PeersInMemory();
  /** Throws after the receiver stored this many more pages, before the job checkpoints: a crash of this LRS. */
  let crashAfterPages = Infinity;

  beforeAll(async () => {
    harness = await startPullLrs(engine, peers, {
      stores: { ...PROVENANCE_STORES, ...OUTBOUND_STORES },
      options: (context) => jobPorts(context, () => crashAfterPages-- <= 0),
    });
  });
  afterAll(() => harness.close());

  beforeEach(async () => {
    crashAfterPages = Infinity;
    peer = await startPeerLrs();
  });
  afterEach(async () => {
    for (const source of await harness.sources.list({}, 1000)) await harness.sources.delete(source.id);
    await peer.close();
  });

  /** The peer registered (kind xapi, our credentials there) and an active pull source of it. */
  async function pullSource(body: object = {}): Promise<PullSource> {
    const slug = `peer-${randomUUID().slice(0, 8)}`;
    peers.add({ slug, name: 'College LRS', endpoint: peer.endpoint, outboundCredentials: peer.credentials });
    return (await harness.call('post', '/pulls', { peer: slug, ...body }).expect(201)).body;
  }
  const runJob = () => harness.lrs.runJob('federation', 'pull');
  const batches = async (...sizes: number[]) => {
    const ids: string[] = [];
    for (const size of sizes) ids.push(...(await peer.store(Array.from({ length: size }, () => sampleStatement({ id: randomUUID() })))));
    return ids;
  };
  const localStatement = async (id: string) => {
    const response = await request(harness.lrs.lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', harness.lrs.lrs.auth);
    return response.status === 200 ? response.body : undefined;
  };
  const heldHere = async (ids: string[]) => (await Promise.all(ids.map(localStatement))).filter((statement) => statement !== undefined).length;
  const provenance = () => harness.context.store<ProvenanceEntry>('provenance');
  const deadLetters = () => harness.context.store<StoredLetter>('dead-letters');

  it('pulls every statement once, pages ending inside batches (one stored time each), with its provenance and this LRS’s authority; the next run reads only what came after', async () => {
    const ids = await batches(10, 10, 10);
    const source = await pullSource();
    await runJob();
    const pulled = await harness.source(source.id);
    expect(pulled).toMatchObject({ counts: { received: 30, refused: 0 }, caughtUp: true, refusals: [] });
    expect(pulled.lastError).toBeUndefined();
    const remote = await peer.statements();
    expect(remote.map((statement) => statement.id).sort()).toEqual([...ids].sort());
    expect(pulled.cursor.since).toBe(remote[29].stored);
    expect(pulled.firstStored).toBe(remote[0].stored);
    expect(await heldHere(ids)).toBe(30);
    const sample = remote[12];
    const local = await localStatement(sample.id);
    expect(sameStatement(local, sample)).toBe(true);
    expect(local.authority).toEqual(pullAuthority(peers.peers.get(source.peer)!, 'http://lrs.test'));
    expect((await provenance().get(sample.id))?.value).toMatchObject({
      statementId: sample.id,
      peer: source.peer,
      via: 'pull',
      originLrs: peer.endpoint,
      originStored: sample.stored,
      originAuthority: sample.authority,
      hops: [peer.endpoint],
      authorityKept: false,
    });
    expect((await harness.call('get', `/pulls/${source.id}`).expect(200)).body.progress).toMatchObject({ fraction: 1, through: remote[29].stored });

    const later = await batches(3);
    peer.requests.length = 0;
    await runJob();
    expect((await harness.source(source.id)).counts).toEqual({ received: 33, refused: 0 });
    expect(await heldHere(later)).toBe(3);
    // From the newest stored received less 1 ms: that batch again (left out as received), then the new one.
    const since = new URL(peer.requests[0]!, 'http://peer').searchParams.get('since');
    expect(since).toBe(new Date(Date.parse(remote[29].stored) - 1).toISOString());
  }, 60_000);

  it('brings the attachments with their statements (Communication 1.5.2)', async () => {
    const content = Buffer.from('certificate of completion, page 1');
    const sha2 = createHash('sha256').update(content).digest('hex');
    const statement = sampleStatement({ id: randomUUID(), attachments: [{ usageType: 'http://example.org/certificate', display: { en: 'Certificate' }, contentType: 'text/plain', length: content.length, sha2 }] });
    await peer.store([statement], [{ sha2, contentType: 'text/plain', content }]);
    const source = await pullSource();
    await runJob();
    expect((await harness.source(source.id)).counts.received).toBe(1);
    const held = await harness.context.statements.attachment(sha2);
    expect(held?.content.toString()).toBe(content.toString());
  }, 60_000);

  it('parks a statement this LRS refuses as a dead letter (direction pull) and stores the rest of its page', async () => {
    const conflicting = sampleStatement({ id: randomUUID() });
    await request(harness.lrs.lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', harness.lrs.lrs.auth).send({ ...conflicting, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }).expect(200);
    const others = [sampleStatement({ id: randomUUID() }), sampleStatement({ id: randomUUID() })];
    await peer.store([others[0]!, conflicting, others[1]!]);
    const source = await pullSource();
    await runJob();
    const pulled = await harness.source(source.id);
    expect(pulled.counts).toEqual({ received: 2, refused: 1 });
    expect(pulled.refusals).toEqual([{ reason: expect.stringMatching(/^409 /), count: 1 }]);
    expect(await heldHere(others.map((statement) => statement.id as string))).toBe(2);
    expect((await localStatement(conflicting.id as string)).verb.id).toBe('http://adlnet.gov/expapi/verbs/failed');
    const letters = (await deadLetters().find({ where: { peer: source.peer } })).map(({ value }) => value);
    expect(letters).toEqual([
      expect.objectContaining({ direction: 'pull', source: source.id, statementId: conflicting.id, status: 409, attempts: 1, reason: expect.stringMatching(/^this LRS refused it: 409 /) }),
    ]);
    // Kept encoded: a statement's keys (extension IRIs) hold dots, which the collection store refuses.
    expect(sameStatement(JSON.parse(letters[0]!.statementJson!), conflicting)).toBe(true);
  }, 60_000);

  it('loses and duplicates nothing across a crash of this LRS mid-page, the peer down, then the peer no longer honouring its more link', async () => {
    const ids = await batches(10, 10, 10, 10, 10);
    const source = await pullSource();
    crashAfterPages = 2; // the third page is stored, then this LRS "crashes" before its checkpoint
    await runJob();
    const crashed = await harness.source(source.id);
    expect(crashed.counts.received).toBe(2 * PAGE_SIZE);
    expect(crashed.cursor.more).toContain('more=');
    expect(await heldHere(ids)).toBe(3 * PAGE_SIZE);

    crashAfterPages = Infinity;
    peer.behaviour = 'down';
    await runJob();
    const whileDown = await harness.source(source.id);
    expect(whileDown.lastError?.reason).toMatch(/^the peer is unavailable: .*network failure/);
    expect(whileDown.cursor).toEqual(crashed.cursor);

    peer.behaviour = 'restarted';
    peer.requests.length = 0;
    await runJob();
    const done = await harness.source(source.id);
    expect(done).toMatchObject({ counts: { received: 50, refused: 0 }, caughtUp: true });
    expect(done.lastError).toBeUndefined();
    expect(peer.requests[0]).toContain('more=');
    expect(new URL(peer.requests[1]!, 'http://peer').searchParams.get('since')).toBe(new Date(Date.parse(crashed.cursor.since!) - 1).toISOString());
    expect(await heldHere(ids)).toBe(50);
    expect(await provenance().count({ peer: source.peer })).toBe(50);
    expect(await deadLetters().count({ peer: source.peer })).toBe(0);
  }, 60_000);

  it('does not follow a more link to another host: it reads on from since − 1 ms and receives everything once', async () => {
    const ids = await batches(5, 6, 7, 3);
    peer.behaviour = 'more-elsewhere';
    const source = await pullSource();
    await runJob();
    expect(await harness.source(source.id)).toMatchObject({ counts: { received: 21, refused: 0 }, caughtUp: true });
    expect(peer.requests.some((path) => path.includes('more='))).toBe(false);
    expect(await heldHere(ids)).toBe(21);
  }, 60_000);

  it('from a peer that never honours its more links, reads page after page from since − 1 ms, widening the page past a batch larger than one', async () => {
    const ids = await batches(6, PAGE_SIZE + 3, PAGE_SIZE, 2);
    peer.behaviour = 'never-more';
    const source = await pullSource();
    await runJob();
    expect(await harness.source(source.id)).toMatchObject({ counts: { received: ids.length, refused: 0 }, caughtUp: true });
    expect(await heldHere(ids)).toBe(ids.length);
    expect(peer.requests.map((path) => new URL(path, 'http://peer').searchParams.get('limit'))).toContain(String(2 * PAGE_SIZE));
  }, 60_000);

  it('stops, saying why, where more statements share one stored time than the widest page holds and more links fail', async () => {
    await batches(1, 64 * PAGE_SIZE + 1);
    peer.behaviour = 'never-more';
    const source = await pullSource();
    await runJob();
    const stuck = await harness.source(source.id);
    expect(stuck.counts.received).toBeGreaterThanOrEqual(PAGE_SIZE);
    expect(stuck.caughtUp).toBe(false);
    expect(stuck.lastError?.reason).toBe(`more than ${64 * PAGE_SIZE} statements share the stored time ${stuck.cursor.since} and the peer does not honour its more links: raise FEDERATION_BATCH_SIZE`);
  }, 60_000);

  it('keeps its checkpoint when the peer answers garbage, and says why; then goes on', async () => {
    const ids = await batches(5);
    const source = await pullSource();
    peer.behaviour = 'garbage';
    await runJob();
    const refused = await harness.source(source.id);
    expect(refused.lastError?.reason).toMatch(/^the peer is unavailable: the remote answered an unreadable statements body/);
    expect(refused.cursor).toEqual({});
    peer.behaviour = 'normal';
    await runJob();
    expect(await harness.source(source.id)).toMatchObject({ counts: { received: 5, refused: 0 }, caughtUp: true });
    expect(await heldHere(ids)).toBe(5);
  }, 60_000);

  it('reads no paused source, and only the filtered statements of an active one', async () => {
    const verb = 'http://adlnet.gov/expapi/verbs/attempted';
    const [attempted] = await peer.store([sampleStatement({ id: randomUUID(), verb: { id: verb } }), sampleStatement({ id: randomUUID() })]);
    const paused = await pullSource();
    await harness.call('patch', `/pulls/${paused.id}`, { state: 'paused' }).expect(200);
    const filtered = await pullSource({ filters: { verb } });
    await runJob();
    expect((await harness.source(paused.id)).counts.received).toBe(0);
    expect((await harness.source(filtered.id)).counts.received).toBe(1);
    expect(await localStatement(attempted!)).toBeDefined();
  }, 60_000);
});

/** The job's ports as index.ts wires them, the receiver able to "crash" after storing a page. */
function jobPorts(context: PluginContext, crashNow: () => boolean): Omit<PullJobOptions, 'sources'> {
  const receiver = new Receiver({
    statements: context.statements,
    provenance: new ProvenanceStore(context.store('provenance')),
    governance: () => undefined,
    originReceipts: new OriginReceipts({ verifier: () => undefined, statements: context.statements, fetchReceipt: async () => ({ missing: 'not asked in these tests' }), retryAfterMs: 60_000 }),
  });
  return {
    remoteFor: (peer) => new RemoteLrs({ endpoint: peer.endpoint, credentials: peer.outboundCredentials, timeoutMs: 5_000, maxResponseBytes: 64 * 1024 * 1024 }),
    receiver: {
      async acceptEach(...args) {
        const outcomes = await receiver.acceptEach(...args);
        if (crashNow()) throw new Error('this LRS crashed after storing the page');
        return outcomes;
      },
    },
    deadLetters: new DeadLetters({ store: context.store('dead-letters') as Collection<DeadLetter>, retries: context.store('retries'), subscriptions: context.store('subscriptions') }),
    publicUrl: context.publicUrl,
    pageSize: PAGE_SIZE,
    runBudgetMs: 30_000,
    logger: context.logger,
  };
}
