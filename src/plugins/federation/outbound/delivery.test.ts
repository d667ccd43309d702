/**
 * The push engine against real LRSs over HTTP (issue 15): a receiving Keiko test LRS listening on
 * a port as an xAPI peer, and hostile node:http servers (refusing, failing with 5xx, unreachable,
 * a Keiko inbox checking the signature). The sender is a whole LRS of each engine with the outbound
 * feature wired as index.ts wires it; statements reach it through POST /xapi/statements.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { buildStatementsBody, parseStatementsBody } from '../../../plugin-api';
import { verifyDelivery } from '../../federation/peers/signing';
import type { Peer } from '../model';
import { startOutboundLrs, testPeer, type OutboundHarness } from './harness.contract';
import { DIFFERENT_STATEMENT } from './delivery';

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const POISONED = 'https://example.org/verbs/poisoned';

function statement(verb = COMPLETED, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: randomUUID(), actor: { objectType: 'Agent', mbox: `mailto:${randomUUID()}@example.org` }, verb: { id: verb }, object: { id: 'https://example.org/courses/1' }, ...extra };
}

interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener, port = 0): Promise<Listening> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${actual}`, port: actual, close: () => new Promise((resolve) => server.closeAllConnections() ?? server.close(() => resolve())) };
}

/** A peer LRS that takes JSON batches, answers `refusal(batch)` when it gives one, else stores them (ids seen, in order). */
function hostileLrs(refusal: (statements: Array<{ id: string; verb: { id: string } }>) => { status: number; body: string } | undefined) {
  const stored = new Set<string>();
  const batches: string[][] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ id: string; verb: { id: string } }>;
      batches.push(batch.map(({ id }) => id));
      const refused = refusal(batch);
      if (refused !== undefined) {
        res.writeHead(refused.status, { 'Content-Type': 'application/json' }).end(refused.body);
        return;
      }
      for (const { id } of batch) stored.add(id);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(batch.map(({ id }) => id)));
    });
  };
  return { stored, batches, handler };
}

/** A peer answering `answer` to every batch holding a statement with the verb POISONED. */
function refusingPoisoned(answer: { status: number; body: string }) {
  return hostileLrs((batch) => (batch.some(({ verb }) => verb.id === POISONED) ? answer : undefined));
}

describe.each(TEST_ENGINES)('push delivery on %s', (engine) => {
  let sender: OutboundHarness;
  let receiver: TestLrs;
  let receiving: Listening;
  let peerCredentials: { key: string; secret: string };

  beforeAll(async () => {
    sender = await startOutboundLrs(engine, { breaker: { openMs: 300 } });
    receiver = await createTestLrs();
    receiving = await listen(receiver.app);
    const issued = await receiver.storage.credentials.create({ name: 'sender', scopes: ['statements/write', 'statements/read'] });
    peerCredentials = { key: issued.key, secret: issued.secret };
  }, 60_000);
  // A test that failed leaves no subscription for the next ones' runs.
  afterEach(async () => {
    for (const { id } of await sender.subscriptions.list()) await sender.subscriptions.delete(id);
  });
  afterAll(async () => {
    await receiving.close();
    await receiver.close();
    await sender.close();
  });

  const store = async (statements: object[]) => request(sender.lrs.app).post('/xapi/statements').set('Authorization', sender.lrs.auth).set(XAPI_VERSION_HEADER).send(statements).expect(200);
  const subscribe = async (peer: string, body: object = {}) => (await sender.subscriptions.create({ peer, ...body })).id;
  /** Runs `test` with a subscription to a peer that `handler` serves on a port (at `url`), closed after. */
  const withServedPeer = async (slug: string, handler: http.RequestListener, test: (subscription: string, url: string) => Promise<void>, kind: Peer['kind'] = 'xapi') => {
    const server = await listen(handler);
    try {
      sender.peers.set(slug, testPeer(slug, `${server.url}/xapi`, kind));
      await test(await subscribe(slug), server.url);
    } finally {
      await server.close();
    }
  };
  /** Those of `ids` the receiver holds (one GET of its newest statements). */
  const receivedIds = async (ids: string[]) => {
    const answer = await fetch(`${receiving.url}/xapi/statements?limit=1000`, { headers: { Authorization: receiver.auth, ...XAPI_VERSION_HEADER } });
    const held = new Set(((await answer.json()) as { statements: Array<{ id: string }> }).statements.map(({ id }) => id));
    return ids.filter((id) => held.has(id));
  };
  /** Steps the subscription (waiting as it asks) until `done` holds; the elapsed ms. */
  const stepUntil = async (id: string, done: () => Promise<boolean>, timeoutMs = 20_000) => {
    const started = Date.now();
    while (!(await done())) {
      if (Date.now() - started > timeoutMs) throw new Error(`not done in time: ${JSON.stringify({ subscription: await sender.subscriptions.find(id), head: await sender.context.statements.feedHead(), letters: await sender.deadLetters.list({ subscription: id, limit: 3 }), retries: await sender.stores.retries.find({ where: { subscription: id }, limit: 3 }) })}`);
      const wait = await sender.engine.step(id, 20);
      if (wait !== undefined && wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 200)));
    }
    return Date.now() - started;
  };

  it('sends what the filters select, with its attachments (Communication §1.5.2), to a real xAPI LRS, and moves the cursor past the batch', async () => {
    sender.peers.set('real', testPeer('real', `${receiving.url}/xapi`, 'xapi', { outboundCredentials: peerCredentials }));
    const id = await subscribe('real', { filters: { verbs: [COMPLETED] } });
    const content = Buffer.from('a certificate, as the learner earned it');
    const sha2 = (await import('node:crypto')).createHash('sha256').update(content).digest('hex');
    const withAttachment = statement(COMPLETED, { attachments: [{ usageType: 'https://example.org/certificate', display: { en: 'Certificate' }, contentType: 'text/plain', length: content.length, sha2 }] });
    const other = statement('http://adlnet.gov/expapi/verbs/experienced');
    const plain = statement();
    const body = buildStatementsBody([withAttachment, other, plain], [{ sha2, contentType: 'text/plain', content }]);
    await request(sender.lrs.app).post('/xapi/statements').set('Authorization', sender.lrs.auth).set(XAPI_VERSION_HEADER).set('Content-Type', body.contentType).send(body.body).expect(200);

    await stepUntil(id, async () => (await receivedIds([withAttachment.id as string, plain.id as string])).length === 2);
    expect(await receivedIds([other.id as string])).toEqual([]);
    const fetched = await request(receiver.app).get('/xapi/statements').query({ statementId: withAttachment.id, attachments: 'true' }).set('Authorization', receiver.auth).set(XAPI_VERSION_HEADER).buffer(true).parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    });
    const parsed = parseStatementsBody(fetched.headers['content-type'], fetched.body as Buffer);
    expect(parsed.attachments).toEqual([expect.objectContaining({ sha2, content })]);
    expect((await sender.subscriptions.get(id)).cursor).toBe(await sender.context.statements.feedHead());
  });

  it('delivers the other 99 of a batch of 100 when one is refused (409: another statement under its id at the remote), parking that one at once with the remote\'s answer (issue 15)', async () => {
    sender.peers.set('real', testPeer('real', `${receiving.url}/xapi`, 'xapi', { outboundCredentials: peerCredentials }));
    // Baseline: a clean batch of 100 through the same path.
    const baselineSub = await subscribe('real');
    const clean = Array.from({ length: 100 }, () => statement());
    await store(clean);
    const baselineMs = await stepUntil(baselineSub, async () => (await receivedIds(clean.map(({ id }) => id as string))).length === 100);
    await sender.subscriptions.delete(baselineSub);

    const id = await subscribe('real');
    const batch = Array.from({ length: 100 }, () => statement());
    const poisoned = batch[37]!;
    await request(receiver.app).post('/xapi/statements').set('Authorization', receiver.auth).set(XAPI_VERSION_HEADER).send([{ ...poisoned, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }]).expect(200);
    await store(batch);
    const others = batch.filter((each) => each !== poisoned).map(({ id: statementId }) => statementId as string);
    const elapsedMs = await stepUntil(id, async () => (await receivedIds(others)).length === 99);
    console.log(`[${engine}] batch of 100 with one poisoned (409, different statement): the other 99 delivered in ${elapsedMs} ms; a clean batch of 100: ${baselineMs} ms`);
    expect(elapsedMs - baselineMs).toBeLessThan(5_000);
    const letters = await sender.deadLetters.list({ subscription: id, limit: 10 });
    expect(letters).toEqual([expect.objectContaining({ statementId: poisoned.id, status: 409, reason: DIFFERENT_STATEMENT, attempts: 1, direction: 'push', peer: 'real' })]);
    expect(letters[0]!.body).toBeTruthy();
    expect((await sender.subscriptions.get(id)).cursor).toBe(await sender.context.statements.feedHead());
  }, 60_000);

  it('takes a 409 for the same statement as delivered (sameStatement after GET), parking nothing: an LRS answering 409 for any id it holds', async () => {
    const held = new Map<string, object>();
    const strictIdsLrs: http.RequestListener = (req, res) => {
      const url = new URL(req.url!, 'http://peer');
      if (req.method === 'GET') {
        const found = held.get(url.searchParams.get('statementId') ?? url.searchParams.get('voidedStatementId') ?? '');
        res.writeHead(found === undefined ? 404 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify(found ?? {}));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ id: string }>;
        if (batch.some(({ id: statementId }) => held.has(statementId))) {
          res.writeHead(409, { 'Content-Type': 'application/json' }).end('{"error":"id exists"}');
          return;
        }
        for (const each of batch) held.set(each.id, each);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(batch.map(({ id: statementId }) => statementId)));
      });
    };
    await withServedPeer('strict-ids', strictIdsLrs, async (id) => {
      const same = statement(COMPLETED, { timestamp: '2026-05-01T10:00:00.000Z' });
      const fresh = statement();
      // As the peer holds it: its own stored and authority, an Activity definition (Data 2.3.1 leaves these out).
      held.set(same.id as string, { ...same, object: { id: 'https://example.org/courses/1', definition: { name: { en: 'Course 1' } } }, stored: '2026-05-02T00:00:00.000Z', authority: { mbox: 'mailto:peer@example.org' }, version: '1.0.0' });
      await store([same, fresh]);
      await stepUntil(id, async () => (await sender.subscriptions.get(id)).cursor === (await sender.context.statements.feedHead()));
      expect(held.has(fresh.id as string)).toBe(true);
      expect(await sender.deadLetters.list({ subscription: id, limit: 10 })).toEqual([]);
      expect(await sender.stores.retries.count({ subscription: id })).toBe(0);
    });
  }, 60_000);

  it('retries a statement refused alone 5 times in all with backoff (100 ms doubling), then parks it with the status and body; the rest of its batch goes on at once (issue 15)', async () => {
    const peer = refusingPoisoned({ status: 400, body: '{"message":"poisoned verb"}' });
    await withServedPeer('strict', peer.handler, async (id) => {
      const batch = Array.from({ length: 100 }, (_, index) => statement(index === 60 ? POISONED : COMPLETED));
      const poisonedId = batch[60]!.id as string;
      await store(batch);
      const othersMs = await stepUntil(id, async () => peer.stored.size === 99);
      const parkedMs = await stepUntil(id, async () => (await sender.deadLetters.list({ subscription: id, limit: 1 })).length === 1);
      console.log(`[${engine}] batch of 100 with one statement refused (400): the other 99 delivered in ${othersMs} ms; the refused one parked ${parkedMs} ms later`);
      const alone = peer.batches.filter((sent) => sent.length === 1 && sent[0] === poisonedId);
      expect(alone).toHaveLength(5);
      expect(peer.stored.has(poisonedId)).toBe(false);
      expect(await sender.deadLetters.list({ subscription: id, limit: 10 })).toEqual([
        expect.objectContaining({ statementId: poisonedId, attempts: 5, status: 400, body: '{"message":"poisoned verb"}', reason: 'the remote refused it: 400' }),
      ]);
      expect(parkedMs).toBeGreaterThanOrEqual(100 + 200 + 400 + 800 - 100);
      expect(await sender.stores.retries.count({ subscription: id })).toBe(0);
    });
  }, 60_000);

  it('splits a batch the peer answers with 5xx 5 times, so one poisoned statement cannot block the stream; it is parked with the 5xx (issue 15)', async () => {
    const peer = refusingPoisoned({ status: 500, body: 'Internal Server Error' });
    await withServedPeer('fragile', peer.handler, async (id) => {
      const batch = Array.from({ length: 20 }, (_, index) => statement(index === 3 ? POISONED : COMPLETED));
      await store(batch);
      await stepUntil(id, async () => peer.stored.size === 19);
      expect(peer.batches.slice(0, 5).every((sent) => sent.length === 20)).toBe(true);
      await stepUntil(id, async () => (await sender.deadLetters.list({ subscription: id, limit: 1 })).length === 1);
      expect((await sender.deadLetters.list({ subscription: id, limit: 1 }))[0]).toMatchObject({ statementId: batch[3]!.id, status: 500, body: 'Internal Server Error', reason: 'the remote failed (500)' });
    });
  }, 60_000);

  it('keeps the batch while the peer is unreachable (cursor unchanged, nothing parked), opens its breaker after 5 failures, and delivers once it is back', async () => {
    const down = await listen(() => undefined);
    const { port } = down;
    await down.close();
    sender.peers.set('away', testPeer('away', `http://127.0.0.1:${port}/xapi`));
    const id = await subscribe('away');
    const cursor = (await sender.subscriptions.get(id)).cursor;
    const batch = [statement(), statement()];
    await store(batch);
    await stepUntil(id, async () => sender.breakers.snapshotOf('away').state === 'open');
    expect(sender.breakers.snapshotOf('away').state).toBe('open');
    expect((await sender.subscriptions.get(id)).cursor).toBe(cursor);
    expect(await sender.deadLetters.list({ subscription: id, limit: 10 })).toEqual([]);
    expect(await sender.stores.retries.count({ subscription: id })).toBe(0);

    const peer = hostileLrs(() => undefined);
    const back = await listen(peer.handler, port);
    try {
      await stepUntil(id, async () => peer.stored.size === 2);
      expect(sender.breakers.snapshotOf('away').state).toBe('closed');
    } finally {
      await back.close();
    }
  }, 60_000);

  it('sends a Keiko peer the signed envelope with each statement\'s provenance, and never a statement that came through it (hops)', async () => {
    const deliveries: Array<{ path: string; headers: http.IncomingHttpHeaders; body: Buffer }> = [];
    const keikoInbox: http.RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        deliveries.push({ path: req.url!, headers: req.headers, body });
        const { statements } = JSON.parse(body.toString('utf8')) as { statements: Array<{ id: string }> };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(statements.map(({ id: statementId }) => statementId)));
      });
    };
    await withServedPeer('norte', keikoInbox, async (id, inboxUrl) => {
      const own = statement();
      const cameFromNorte = statement();
      const viaSur = statement();
      await store([own, cameFromNorte, viaSur]);
      const entry = (statementId: string, hops: string[], peer: string) => ({ statementId, peer, via: 'inbox' as const, originLrs: hops[0]!, originStored: '2026-01-01T00:00:00.000Z', hops, authorityKept: false, receivedAt: new Date().toISOString() });
      await sender.stores.provenance.put(cameFromNorte.id as string, entry(cameFromNorte.id as string, [inboxUrl, sender.context.publicUrl], 'norte'));
      await sender.stores.provenance.put(viaSur.id as string, entry(viaSur.id as string, ['https://sur.example'], 'sur'));
      await stepUntil(id, async () => (await sender.subscriptions.get(id)).cursor === (await sender.context.statements.feedHead()));

      expect(deliveries).toHaveLength(1);
      const [delivery] = deliveries;
      expect(delivery!.path).toBe('/plugins/federation/inbox');
      const { publicKey, keyId } = await sender.identity.published();
      expect(verifyDelivery({ method: 'POST', path: delivery!.path, headers: delivery!.headers, body: delivery!.body, publicKey, keyId })).toMatchObject({ keyId });
      const envelope = JSON.parse(delivery!.body.toString('utf8')) as { statements: Array<Record<string, unknown>>; provenance: Array<Record<string, unknown>> };
      // Statements of one POST share a batch; their order within it is the LRS's.
      const sent = new Map(envelope.statements.map((each, index) => [each.id as string, { statement: each, provenance: envelope.provenance[index] }]));
      expect([...sent.keys()].sort()).toEqual([own.id, viaSur.id].sort());
      expect(sent.get(own.id as string)!.statement).not.toHaveProperty('stored');
      const ownStored = (await sender.context.statements.get(own.id as string))!;
      expect(sent.get(own.id as string)!.provenance).toEqual({ originLrs: sender.context.publicUrl, originStored: ownStored.stored.toISOString(), originAuthority: ownStored.statement.authority, hops: [sender.context.publicUrl] });
      expect(sent.get(viaSur.id as string)!.provenance).toEqual({ originLrs: 'https://sur.example', originStored: '2026-01-01T00:00:00.000Z', hops: ['https://sur.example', sender.context.publicUrl] });
    }, 'keiko');
  }, 60_000);

  it('keeps delivering within one run of the job, looking for new statements every 100 ms (push lag), and leaves paused subscriptions alone', async () => {
    const peer = hostileLrs(() => undefined);
    await withServedPeer('live', peer.handler, async () => {
      await subscribe('live', { state: 'paused' });
      const run = sender.engine.run({ maxMs: 3_000, idleMs: 100 });
      const lags: number[] = [];
      for (let round = 0; round < 5; round++) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        const batch = [statement(), statement()];
        const storedAt = Date.now();
        await store(batch);
        while (!batch.every(({ id }) => peer.stored.has(id as string))) {
          if (Date.now() - storedAt > 10_000) throw new Error('not delivered within 10 s');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        lags.push(Date.now() - storedAt);
      }
      await run;
      console.log(`[${engine}] push lag within a run (stored → acknowledged by the peer), 5 batches of 2: ${lags.join(', ')} ms`);
      expect(peer.stored.size).toBe(10);
      expect(peer.batches.flat()).toHaveLength(10);
    });
  }, 60_000);
});
