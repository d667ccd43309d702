/**
 * Issue 15 "hostile input", end to end through a running Keiko LRS (a child process) pushing to
 * local node:http peers (hostile-peer.contract.ts), each through its own subscription:
 *
 * - a peer answering slowly (beyond FEDERATION_REQUEST_TIMEOUT_SECONDS), with 5xx, with garbage
 *   or with a redirect to another host: peer-level failures, backed off; the batch stays at the
 *   cursor, nothing is parked, the other host never gets a request (no redirect is followed to
 *   another origin), and everything is delivered once the peer behaves;
 * - a peer refusing one statement of a batch of 100 (400), or breaking on it (503): the batch is
 *   split, the other 99 go on (the goal: delayed by < 1 s for a refusal), the statement is
 *   retried and parked alone with the peer's status and body (rules of section B, "a statement
 *   the remote refuses is retried and parked alone: it never blocks the rest of its batch");
 * - a peer holding a different statement under the same id (409, and its GET shows another
 *   statement): parked at once with that reason (Data 2.3.1);
 *
 * meanwhile the sender's own API never answers 5xx, every dead letter carries a reason, nothing is
 * lost locally, and replayed once the peers behave the parked statements are delivered: every peer
 * ends with every statement, attachment included (Communication 1.5.2), with the sender's content.
 */
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import { buildStatementsBody } from '../../../plugin-api';
import { sleep } from '../../../../test-support/child-lrs';
import { addPeer, contentDigest, holdings, KeikoInstance, subscribe } from '../../../../test-support/federation';
import { HostilePeer, type Hostility } from './hostile-peer.contract';

jest.setTimeout(400_000);

const STATEMENTS = 100;
const SETTLED_WITHIN_MS = 180_000;
const FEDERATION = '/plugins/federation';

describe('pushing to hostile peers through a running Keiko LRS (issue 15: backoff, parking or refusal; nothing lost; no 5xx from our API)', () => {
  let sender: KeikoInstance;
  const peers: Record<string, HostilePeer> = {};
  let elsewhere: HostilePeer;
  let statements: Array<Record<string, unknown>>;
  let prober: { stop(): Promise<void>; probes: number };

  beforeAll(async () => {
    sender = await KeikoInstance.start('sender', { env: { FEDERATION_REQUEST_TIMEOUT_SECONDS: '1' } });
    elsewhere = await HostilePeer.start();
    for (const name of ['slow', 'failing', 'garbage', 'redirecting', 'refusing', 'breaking', 'conflicting']) peers[name] = await HostilePeer.start();
  });
  afterAll(async () => {
    await prober?.stop();
    await Promise.all([sender?.dispose(), elsewhere?.close(), ...Object.values(peers).map((peer) => peer.close())]);
  });

  it('peer-level failures back off and deliver once the peer behaves; refusals are parked alone with the answer; replayed, delivered; our API never 5xx', async () => {
    const attachment = { sha2: '', contentType: 'text/plain', content: Buffer.from('evidence of the completed lesson') };
    attachment.sha2 = createHash('sha256').update(attachment.content).digest('hex');
    statements = Array.from({ length: STATEMENTS }, (_, index) => ({ id: randomUUID(), actor: { mbox: `mailto:learner${index}@example.org` }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: `http://example.org/lessons/${index}` } }));
    statements[3]!.attachments = [{ usageType: 'http://example.org/usage/evidence', display: { 'en-US': 'evidence' }, contentType: attachment.contentType, length: attachment.content.length, sha2: attachment.sha2 }];
    const [refusedId, breakingId, conflictId] = [statements[10]!.id as string, statements[50]!.id as string, statements[80]!.id as string];
    const body = buildStatementsBody(statements, [attachment]);
    const posted = await fetch(`${sender.xapiUrl}/statements`, { method: 'POST', headers: { Authorization: sender.adminAuthorization, 'X-Experience-API-Version': '1.0.3', 'Content-Type': body.contentType }, body: new Uint8Array(body.body) });
    expect(posted.status).toBe(200);

    const hostile: Record<string, Hostility> = { slow: 'slow', failing: '5xx', garbage: 'garbage', redirecting: 'redirect' };
    for (const [name, hostility] of Object.entries(hostile)) peers[name]!.hostility = hostility;
    peers.redirecting!.redirectTo = `http://localhost:${new URL(elsewhere.origin).port}`;
    peers.refusing!.refused.add(refusedId);
    peers.breaking!.breaking.add(breakingId);
    peers.conflicting!.statements.set(conflictId, { ...statements[80]!, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } });
    prober = probe(sender);
    for (const [name, peer] of Object.entries(peers)) {
      await addPeer(sender, { slug: name, name: `Hostile ${name}`, kind: 'xapi', endpoint: peer.endpoint, outboundCredentials: { key: `keiko-${name}`, secret: 'not-ours-to-know' }, inboundCredentialKeys: [] });
      await subscribe(sender, { peer: name, filters: {}, from: 'beginning' });
    }

    // The hostile four are tried again and again, backing off, and nothing of theirs is parked.
    await until(() => Object.keys(hostile).every((name) => peers[name]!.requests.length >= 3), 'three tries at each hostile peer', seen);
    expect(await deadLetters(...Object.keys(hostile))).toEqual([]);
    for (const name of ['failing', 'garbage', 'redirecting']) expect(peers[name]!.statements.size).toBe(0);
    const tries = Object.fromEntries(Object.keys(hostile).map((name) => [name, peers[name]!.requests.map(({ at }) => at)]));
    for (const name of Object.keys(hostile)) peers[name]!.hostility = 'behave';

    await until(async () => Object.keys(hostile).every((name) => peers[name]!.statements.size === STATEMENTS) && (await deadLetters('refusing', 'breaking', 'conflicting')).length === 3, 'delivery once they behave, and three statements parked', seen);
    expect(elsewhere.requests).toEqual([]); // the redirect to another host was not followed
    // The slow peer stored what it answered too late: not acknowledged in time, so sent again (at least once), stored once.
    expect(peers.slow!.redelivered).toBeGreaterThanOrEqual(STATEMENTS);
    // Backing off (100 ms, then 200 ms, …), not hammering: the third try no sooner than 300 ms after the first.
    for (const at of Object.values(tries)) expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(300);
    for (const name of ['refusing', 'breaking', 'conflicting']) expect(peers[name]!.statements.size).toBe(name === 'conflicting' ? STATEMENTS : STATEMENTS - 1);

    const letters = await deadLetters('refusing', 'breaking', 'conflicting');
    const byPeer = Object.fromEntries(letters.map((letter: Record<string, any>) => [letter.peer, letter]));
    expect(byPeer.refusing).toMatchObject({ direction: 'push', statementId: refusedId, status: 400, attempts: 5 });
    expect(byPeer.refusing.body).toContain('the verb is not allowed');
    expect(byPeer.breaking).toMatchObject({ direction: 'push', statementId: breakingId, status: 503 });
    expect(byPeer.breaking.body).toContain('internal failure');
    expect([byPeer.conflicting, peers.conflicting!.requests.filter(({ method }) => method === 'GET').map(({ url, status }) => `${url} ${status}`)]).toMatchObject([{ direction: 'push', statementId: conflictId, status: 409, reason: 'a different statement is stored under this id at the remote' }, expect.anything()]);
    for (const letter of letters) expect(letter.reason).toMatch(/\S/); // 100% of dead letters carry a reason
    // "A poisoned statement in a batch of 100 delays the other 99 by < 1 s": the split takes about
    // 2·log2(100) requests one after the other, so on a machine loaded beyond its cores the bound
    // grows with the load (the figure is logged below).
    const delayed = othersDelayedBy(peers.refusing!, refusedId);
    expect(delayed).toBeLessThan(1000 * Math.max(1, os.loadavg()[0]! / os.cpus().length));

    // Replayed once the peers behave: delivered.
    peers.refusing!.refused.clear();
    peers.breaking!.breaking.clear();
    peers.conflicting!.statements.delete(conflictId);
    await sender.expect(200, 'POST', `${FEDERATION}/dead-letters/replay`, { body: {} });
    await until(() => ['refusing', 'breaking', 'conflicting'].every((name) => peers[name]!.statements.size === STATEMENTS), 'the replayed statements delivered', seen);

    const held = await holdings(sender);
    expect(held.statements.size).toBe(STATEMENTS); // nothing lost locally
    for (const [name, peer] of Object.entries(peers)) {
      const different = [...peer.statements.values()].filter((statement) => contentDigest(statement) !== held.statements.get(statement.id as string)?.digest);
      expect([name, different.map(({ id }) => id)]).toEqual([name, []]);
      expect([name, peer.attachments.get(attachment.sha2)?.content.toString()]).toEqual([name, attachment.content.toString()]);
      expect([name, [...peer.statements.values()].filter((statement) => 'stored' in statement).length]).toEqual([name, 0]);
    }
    await prober.stop();
    expect(prober.probes).toBeGreaterThan(10);
    expect(sender.serverErrors).toBe(0);
    console.log(`hostile peers: a refused statement delayed the other ${STATEMENTS - 1} by ${delayed} ms (load average ${os.loadavg()[0]!.toFixed(1)}); tries while hostile ${JSON.stringify(Object.fromEntries(Object.entries(tries).map(([name, at]) => [name, at.slice(0, 6).map((time) => time - at[0]!)])))}; redelivered ${JSON.stringify(Object.fromEntries(Object.entries(peers).map(([name, peer]) => [name, peer.redelivered])))}`);
  });

  /** What each peer holds and was asked, what is parked and the subscriptions: said when a wait times out. */
  async function seen(): Promise<object> {
    const peersSeen = Object.fromEntries(Object.entries(peers).map(([name, peer]) => [name, { held: peer.statements.size, requests: peer.requests.map(({ method, status, ids }) => `${method} ${status} ${ids.length}`) }]));
    const parked = (await deadLetters(...Object.keys(peers))).map(({ peer, statementId, status, reason, attempts }) => ({ peer, statementId, status, reason, attempts }));
    return { peers: peersSeen, parked, subscriptions: (await sender.request('GET', `${FEDERATION}/subscriptions`)).body };
  }

  async function deadLetters(...names: string[]): Promise<Array<Record<string, any>>> {
    const letters = (await sender.expect(200, 'GET', `${FEDERATION}/dead-letters`)).deadLetters as Array<Record<string, any>>;
    return letters.filter((letter) => names.includes(letter.peer));
  }
});

/** Milliseconds from the first POST carrying `poisoned` to when the last other statement was stored. */
function othersDelayedBy(peer: HostilePeer, poisoned: string): number {
  const first = peer.postsWith(poisoned)[0]!.at;
  const storedAt = [...peer.statements.keys()].filter((id) => id !== poisoned).map((id) => peer.postsWith(id).find(({ status }) => status === 200)!.at);
  return Math.max(...storedAt) - first;
}

/** The sender's own API asked every 250 ms while the test runs (KeikoInstance counts the statuses). */
function probe(lrs: KeikoInstance): { stop(): Promise<void>; probes: number } {
  let running = true;
  const state = { probes: 0, stop: async () => {
    running = false;
    await loop;
  } };
  const paths = ['/xapi/statements?limit=5', `${FEDERATION}/subscriptions`, `${FEDERATION}/dead-letters`, `${FEDERATION}/peers`, '/xapi/about'];
  const loop = (async () => {
    while (running) {
      await lrs.request('GET', paths[state.probes++ % paths.length]!);
      await sleep(250);
    }
  })();
  return state;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, state: () => unknown): Promise<void> {
  const deadline = Date.now() + SETTLED_WITHIN_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${SETTLED_WITHIN_MS / 1000} s: ${what}; ${JSON.stringify(await state())}`);
    await sleep(50);
  }
}
