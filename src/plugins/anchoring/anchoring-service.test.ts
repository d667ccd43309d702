import pino from 'pino';
import { openAnchorBatchStore } from '../../../test-support/anchoring';
import { createTestLrs, type TestLrs } from '../../../test-support/app';
import { InMemoryChain } from '../../../test-support/in-memory-chain';
import { sampleStatement } from '../../../test-support/statements';
import { pluginStatementReader } from '../../platform/plugins/statement-reader';
import { AnchoringService } from './anchoring-service';
import type { AnchorBatchStore } from './batches/anchor-batch-store';
import { statementDigest } from './core/digest';
import { leafOfDigest, verifyProof } from './core/merkle';

/**
 * The job's crash-safety and retry logic against the real database (the plugin's collections,
 * the statement feed), with an in-memory chain that behaves like the AnchorRegistry contract.
 * The end-to-end run against starknet-devnet is in devnet.e2e.test.ts.
 */
let lrs: TestLrs;
let chain: InMemoryChain;
let service: AnchoringService;
let batches: AnchorBatchStore;
let clock: Date;

beforeEach(async () => {
  lrs = await createTestLrs({ PLUGINS: 'none' });
  chain = new InMemoryChain();
  batches = await openAnchorBatchStore(lrs.storage.collections);
  clock = new Date(Date.now() + 1000);
  service = new AnchoringService({
    statements: pluginStatementReader(lrs.storage.statements, lrs.storage.attachments),
    batches,
    chain,
    maxBatch: 5,
    logger: pino({ level: 'silent' }),
    now: () => clock,
  });
});
afterEach(async () => {
  await lrs.close();
});

const SUBMITTER = { credentialKey: 'test', authority: { objectType: 'Agent' as const, mbox: 'mailto:lrs@example.org' }, mayDefine: true };

async function storeStatements(count: number): Promise<string[]> {
  return lrs.services.ingest.store(Array.from({ length: count }, () => sampleStatement()), SUBMITTER);
}

describe('anchoring job', () => {
  it('anchors statements in feed order, in batches of at most maxBatch, with proofs to the root', async () => {
    const ids = await storeStatements(7);
    await service.run();
    await service.run();
    await service.run();
    const [second, first] = await batches.list(10);
    expect([first!.count, second!.count]).toEqual([5, 2]);
    expect(first!.state).toBe('anchored');
    const feed = (await lrs.storage.statements.readFeed(undefined, 10)).records;
    expect(feed.map((record) => record.id).sort()).toEqual([...ids].sort());
    expect([first!.first, first!.last, second!.first, second!.last]).toEqual(
      [feed[0]!, feed[4]!, feed[5]!, feed[6]!].map(({ id, position }) => ({ id, position })),
    );
    for (const [index, { id }] of feed.entries()) {
      expect(await batches.leafOf(id)).toMatchObject({ seq: index < 5 ? first!.seq : second!.seq, leafIndex: index % 5 });
    }
    expect(chain.anchored.map((entry) => entry.root)).toEqual([first!.root, second!.root]);
    for (const id of ids) {
      const leaf = (await batches.leafOf(id))!;
      const statement = (await lrs.storage.statements.getById(id))!.statement;
      expect(leaf.leaf).toBe(leafOfDigest(statementDigest(statement).hex));
      const batch = leaf.seq === first!.seq ? first! : second!;
      expect(verifyProof(leaf.leaf, leaf.proof, batch.root)).toBe(true);
    }
  });

  it('does nothing when no statement was stored since the last batch', async () => {
    await service.run();
    expect(await batches.latest()).toBeUndefined();
    await storeStatements(2);
    await service.run();
    await service.run();
    await service.run();
    expect(await batches.list(10)).toHaveLength(1);
    expect(chain.anchored).toHaveLength(1);
  });

  it("puts statements stored after a batch in the next one (a voiding statement too), keeping the voided statement's leaf", async () => {
    const [voided] = await storeStatements(2);
    await service.run(); // records and sends
    await service.run(); // confirms
    const voiding = {
      actor: { objectType: 'Agent', mbox: 'mailto:admin@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: voided! },
    };
    const [voidingId] = await lrs.services.ingest.store([voiding], SUBMITTER);
    await service.run();
    const [next] = await batches.list(1);
    expect(next).toMatchObject({ seq: 1, count: 1, first: { id: voidingId }, last: { id: voidingId } });
    expect((await batches.leafOf(voided!))?.seq).toBe(0);
  });

  it('retries with backoff when the RPC fails, and anchors once it answers', async () => {
    await storeStatements(3);
    chain.failNextSends = 2;
    await service.run();
    let batch = (await batches.latest())!;
    expect(batch).toMatchObject({ state: 'recorded', attempts: 1, lastError: 'RPC unreachable' });
    await service.run(); // too early: the backoff has not passed
    expect((await batches.latest())!.attempts).toBe(1);
    clock = new Date(clock.getTime() + 5_000);
    await service.run();
    batch = (await batches.latest())!;
    expect(batch.attempts).toBe(2);
    clock = new Date(clock.getTime() + 10_000);
    await service.run();
    await service.run();
    expect((await batches.latest())!.state).toBe('anchored');
    expect(chain.anchored).toHaveLength(1);
  });

  it('adopts an anchor sent before a crash whose transaction hash was never recorded', async () => {
    await storeStatements(2);
    const recorded = (await service.recordNextBatch())!;
    await chain.sendAnchor(recorded.root, recorded.count); // sent, then the process died
    await service.run();
    expect((await batches.latest())!.state).toBe('anchored');
    expect(chain.anchored).toHaveLength(1);
  });

  it('sends again after the chain lost the transaction (devnet restarted), anchoring once', async () => {
    await storeStatements(2);
    await service.run(); // records and sends
    await service.run(); // confirms
    expect((await batches.latest())!.state).toBe('anchored');
    const sentBefore = (await batches.latest())!;
    chain.forgetEverything();
    await batches.update(sentBefore.seq, { state: 'sent' }); // as if the restart came before confirmation
    await service.run();
    expect((await batches.latest())!.state).toBe('recorded');
    await service.run();
    await service.run();
    expect((await batches.latest())!.state).toBe('anchored');
    expect(chain.anchored.map((entry) => entry.root)).toEqual([sentBefore.root]);
  });

  it('upgrades an anchor from ACCEPTED_ON_L2 to ACCEPTED_ON_L1 as finality advances', async () => {
    await storeStatements(2);
    await service.run();
    await service.run();
    expect((await batches.latest())!.anchor!.finality).toBe('ACCEPTED_ON_L2');
    chain.settleOnL1();
    await service.run();
    expect((await batches.latest())!.anchor!.finality).toBe('ACCEPTED_ON_L1');
  });
});
