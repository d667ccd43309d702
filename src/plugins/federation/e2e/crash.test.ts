/**
 * Issue 15 goal "0 lost, 0 duplicated across a SIGKILL of the sender and, separately, of the
 * receiver in the middle of a stream between two Keiko instances on loopback": two LRSs with every
 * plugin in child processes (test-support/federation.ts), the receiver subscribed to every
 * statement of the sender (push to its signed inbox), a stream of statements written into the
 * sender while deliveries are in flight. The sender is killed with SIGKILL once the receiver holds
 * a third of the stream, and started again on the same data directory; then, with a second stream,
 * the receiver is. The outbox is the sender's feed and the subscription's cursor, moved only after
 * the receiver acknowledged (at least once), and the receiver stores an id once (exactly once in
 * effect): at the end the receiver holds every statement the sender holds, each once, with the
 * same content, each with its provenance (origin LRS, origin stored, hops, the peer, via the
 * inbox), and nothing was parked while the receiver was down (a peer-level failure never parks).
 *
 * FEDERATION_CRASH_STATEMENTS: statements per stream (default 900; the goal size is
 * 1,000,000, see bench/federation.ts); FEDERATION_CRASH_ENGINES: sqlite (default), mongodb or both.
 */
import { percentile } from '../../../../bench/passport-support';
import { sleep } from '../../../../test-support/child-lrs';
import { compareHoldings, federate, holdings, KeikoInstance, provenanceOf, StatementStream, storedLags, waitForStatements, type Federation, type Holdings } from '../../../../test-support/federation';

const SIZE = Number(process.env.FEDERATION_CRASH_STATEMENTS ?? 900);
const ENGINES = (process.env.FEDERATION_CRASH_ENGINES ?? 'sqlite').split(',') as Array<'sqlite' | 'mongodb'>;
/** How long the receiver may take to hold a whole stream after the restart (the breaker opens for 30 s while the receiver is down). */
const DELIVERED_WITHIN_MS = Number(process.env.FEDERATION_CRASH_WITHIN_SECONDS ?? 300) * 1000;

jest.setTimeout(2 * DELIVERED_WITHIN_MS + 300_000);

describe.each(ENGINES)('a stream between two Keiko instances on %s, SIGKILLed mid-stream (issue 15: 0 lost, 0 duplicated)', (engine) => {
  let sender: KeikoInstance;
  let receiver: KeikoInstance;
  let federation: Federation;
  const figures: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    [sender, receiver] = await Promise.all([KeikoInstance.start('sender', { engine }), KeikoInstance.start('receiver', { engine })]);
    federation = await federate(sender, receiver);
  });
  afterAll(async () => {
    console.log(`federation crash figures on ${engine}: ${JSON.stringify(figures)}`);
    await Promise.all([sender?.dispose(), receiver?.dispose()]);
  });

  /**
   * Writes SIZE statements into the sender; once the receiver holds the one a third into the stream
   * (deliveries in flight, statements still being written), kills `victim` with SIGKILL, waits a
   * random moment and starts it again on its storage. Resolves when the stream is acknowledged whole.
   */
  async function streamKilling(victim: KeikoInstance): Promise<{ stream: StatementStream; killedAfter: number }> {
    const stream = new StatementStream(sender, { batch: 50, concurrency: 2 });
    const writing = stream.write(SIZE);
    try {
      const mark = Math.floor(SIZE / 3);
      const deadline = Date.now() + DELIVERED_WITHIN_MS;
      while (!(stream.ids.length > mark && (await receiver.request('GET', `/xapi/statements?statementId=${stream.ids[mark]}`)).status === 200)) {
        if (Date.now() > deadline) throw new Error(`the receiver did not get statement #${mark} of the stream within ${DELIVERED_WITHIN_MS / 1000} s`);
        await sleep(20);
      }
      const killedAfter = stream.ids.length;
      await victim.kill();
      await sleep(Math.random() * 500);
      await victim.restart();
      await writing;
      return { stream, killedAfter };
    } finally {
      stream.stop(); // when the test failed: no more writes after it
    }
  }

  /** The receiver holds exactly the sender's statements (ids, content), each with its provenance; what it took. */
  async function checkDelivered(ids: string[]): Promise<Record<string, unknown>> {
    const started = Date.now();
    const sent = await holdings(sender);
    expect(sent.duplicated).toEqual([]);
    for (const id of ids) expect(sent.statements.has(id)).toBe(true); // the sender lost no acknowledged statement either
    const received = await waitForStatements(receiver, [...sent.statements.keys()], DELIVERED_WITHIN_MS);
    expect(compareHoldings(sent, received)).toEqual({ lost: [], duplicated: [], different: [], extra: [] });
    await checkProvenance(sent, received);
    const lags = storedLags(sent, received);
    return { statements: sent.statements.size, caughtUpAfterMs: Date.now() - started, lagP50Ms: percentile(lags, 50), lagP95Ms: percentile(lags, 95), lagMaxMs: lags.at(-1) };
  }

  /**
   * Every statement at the receiver has its provenance (Keiko → Keiko through the inbox): the sender
   * as origin, its `stored` there, its hops; the entries read from the receiver's store, and a
   * sample also through GET /plugins/federation/provenance/:id.
   */
  async function checkProvenance(sent: Holdings, received: Holdings): Promise<void> {
    const entries = await receiver.storedDocuments('federation', 'provenance');
    const missing = [...received.statements.keys()].filter((id) => !entries.has(id));
    expect(missing).toEqual([]);
    for (const [id, held] of sent.statements) {
      const entry = entries.get(id)!;
      expect({ statementId: entry.statementId, peer: entry.peer, via: entry.via, originLrs: entry.originLrs, hops: entry.hops, originStored: Date.parse(entry.originStored as string) }).toEqual({
        statementId: id,
        peer: federation.senderSlug,
        via: 'inbox',
        originLrs: sender.url,
        hops: [sender.url],
        originStored: Date.parse(held.stored),
      });
    }
    const ids = [...sent.statements.keys()];
    for (const id of [ids[0]!, ids.at(-1)!, ...Array.from({ length: 8 }, () => ids[Math.floor(Math.random() * ids.length)]!)]) {
      const served = await provenanceOf(receiver, id);
      expect(served).toMatchObject({ statementId: id, peer: federation.senderSlug, via: 'inbox', originLrs: sender.url, originStored: entries.get(id)!.originStored });
    }
  }

  it('the sender killed mid-stream and restarted on its data directory: the receiver holds every statement once, with the same content and its provenance', async () => {
    const { stream, killedAfter } = await streamKilling(sender);
    figures.push({ kill: 'sender', killedAfter, writeRetries: stream.retries, ...(await checkDelivered(stream.ids)) });
  });

  it('the receiver killed mid-stream and restarted: every statement delivered once, none parked while it was down', async () => {
    const { stream, killedAfter } = await streamKilling(receiver);
    figures.push({ kill: 'receiver', killedAfter, writeRetries: stream.retries, ...(await checkDelivered(stream.ids)) });
    expect((await sender.expect(200, 'GET', '/plugins/federation/dead-letters')).deadLetters).toEqual([]);
    const subscription = await sender.expect(200, 'GET', `/plugins/federation/subscriptions/${federation.subscription.id}`);
    expect(subscription.state).toBe('active');
  });
});
