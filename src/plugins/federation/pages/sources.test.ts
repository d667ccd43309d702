/**
 * The console pages over the plugin's real services on each engine (issue 15): subscriptions and
 * dead letters (outbound/), pull sources (pull/), the peers' circuit breakers (remote/) and the
 * peer registry (peers/). What the overview reads from them (lag = feed
 * head − cursor, statements retrying, the breaker, a pull's progress), that a peer's secret never
 * reaches a page, and that a replay puts a letter back into the retries with its attempts reset.
 */
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { signedInToConsole, type ConsoleAgent } from '../../../../test-support/console-session';
import { csrfFieldOf } from '../../../../test-support/people';
import { sampleStatement } from '../../../../test-support/statements';
import { retryId, type Subscription } from '../outbound/records';
import { BREAKER } from '../remote/breaker';
import { rowsOf, textOf } from './page-tests.contract';
import { DEAD_LETTERS_PATH, FEDERATION_CONSOLE_PATH } from './parts';
import { NOW, servicesLrs, xapiPeer, type Services } from './services.contract';

const SECRET = 'north-secret-never-shown';

describe.each(TEST_ENGINES)('the federation console pages over the real services on %s', (engine) => {
  let on: Services;
  let agent: ConsoleAgent;
  let subscription: Subscription;
  let statementIds: string[];
  beforeAll(async () => {
    on = await servicesLrs(engine);
    // A keiko peer with its key pinned (no identity fetched) and the credentials we use at its LRS.
    await on.peers.create({ slug: 'north', name: 'north LRS', kind: 'keiko', endpoint: 'https://north.example/xapi', outboundCredentials: { key: 'north-key', secret: SECRET }, signingKey: { publicKey: 'A'.repeat(43) } });
    await on.peers.create({ ...xapiPeer('locker'), endpoint: 'https://ll.example/data/xAPI' });
    const statements = [sampleStatement(), sampleStatement(), sampleStatement()];
    statementIds = (await request(on.lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', on.lrs.auth).send(statements).expect(200)).body;
    subscription = await on.subscriptions.create({ peer: 'north', from: 'beginning', filters: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] } });
    await on.subscriptions.advance(subscription.id, (await on.context.statements.feedHead()) - 2);
    await on.retries.put(retryId(subscription.id, statementIds[0]!), { subscription: subscription.id, peer: 'north', statementId: statementIds[0]!, attempts: 2, nextAttemptAt: NOW, firstFailedAt: new Date(NOW).toISOString(), reason: 'refused: 400' });
    for (let failure = 0; failure < BREAKER.failureThreshold; failure++) on.breakers.of('north').recordFailure();
    agent = await signedInToConsole(on.lrs);
  }, 60_000);
  afterAll(() => on.lrs.close());

  it("shows the peers without their credentials, and each subscription's lag (feed head − cursor), retries and the peer's open circuit", async () => {
    const page = await agent.get(FEDERATION_CONSOLE_PATH).expect(200);
    expect(page.text).not.toContain(SECRET);
    expect(page.text).not.toContain('north-key');
    expect(rowsOf(page.text, 'federation-peers')).toEqual([
      ['locker LRS ( locker )', 'xAPI LRS', 'https://ll.example/data/xAPI'],
      ['north LRS ( north )', 'Keiko (signed deliveries)', 'https://north.example/xapi'],
    ]);
    expect(rowsOf(page.text, 'federation-subscriptions')).toEqual([
      ['north', 'Verbs: http://adlnet.gov/expapi/verbs/completed', 'Active', '2', '1', `Open until ${new Date(NOW + BREAKER.openMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`],
    ]);
  });

  it("shows a pull source's progress, counts and last error as the pull job checkpoints them", async () => {
    const source = await on.pulls.create({ peer: 'locker', filters: { verb: 'http://adlnet.gov/expapi/verbs/completed', related_activities: true } });
    await on.pulls.change(source.id, (current) => ({
      ...current,
      counts: { received: 1500, refused: 1 },
      firstStored: new Date(NOW - 4 * 86_400_000).toISOString(),
      cursor: { since: new Date(NOW - 86_400_000).toISOString() },
      lastError: { at: new Date(NOW - 60_000).toISOString(), reason: 'the peer answered 503' },
    }));
    const rows = rowsOf((await agent.get(FEDERATION_CONSOLE_PATH).expect(200)).text, 'federation-pulls');
    expect(rows).toEqual([
      [
        'locker',
        'verb: http://adlnet.gov/expapi/verbs/completed related_activities: true',
        'Active',
        '1,500',
        '1',
        '75% · stored up to 2027-03-09 10:00:00 UTC',
        'the peer answered 503 (2027-03-10 09:59:00 UTC)',
        '2027-03-10 10:00:00 UTC',
      ],
    ]);
  });

  it('lists the letters waiting, counts them, and replays one back into the retries with its attempts reset', async () => {
    const pushed = await on.deadLetters.park({ direction: 'push', peer: 'north', subscription: subscription.id, statementId: statementIds[1]!, attempts: 5, status: 400, body: '{"code":"INVALID"}', reason: 'the remote refused it: 400', firstFailedAt: new Date(NOW).toISOString() });
    await on.deadLetters.park({ direction: 'pull', peer: 'locker', source: 'p1', statementId: statementIds[2]!, statement: {}, attempts: 1, status: 400, reason: 'we refused it: 400 INVALID_STATEMENT', firstFailedAt: new Date(NOW).toISOString() });
    const overview = textOf((await agent.get(FEDERATION_CONSOLE_PATH).expect(200)).text);
    expect(overview).toContain('Dead letters waiting 2 See the dead letters');

    const list = await agent.get(DEAD_LETTERS_PATH).expect(200);
    expect(rowsOf(list.text, 'dead-letters').map((row) => row.slice(0, 5))).toEqual(
      expect.arrayContaining([
        ['north', 'Push', statementIds[1], '5', '400'],
        ['locker', 'Pull', statementIds[2], '1', '400'],
      ]),
    );
    expect(rowsOf((await agent.get(`${DEAD_LETTERS_PATH}?peer=locker`).expect(200)).text, 'dead-letters').map((row) => row.slice(0, 3))).toEqual([['locker', 'Pull', statementIds[2]]]);
    expect(textOf(list.text)).toContain('Replay every letter of a peer Replay all of locker Replay all of north');

    const replayed = await agent.post(`${DEAD_LETTERS_PATH}/${pushed.id}/replay`).type('form').send({ _csrf: csrfFieldOf(list.text) }).expect(303);
    expect(replayed.headers.location).toBe(`${DEAD_LETTERS_PATH}?replayed=1`);
    const retry = await on.retries.get(retryId(subscription.id, statementIds[1]!));
    expect(retry?.value).toMatchObject({ subscription: subscription.id, peer: 'north', statementId: statementIds[1], attempts: 0 });
    expect((await on.deadLetters.get(pushed.id)).replayedAt).toBeDefined();
    const after = await agent.get(replayed.headers.location!).expect(200);
    expect(rowsOf(after.text, 'dead-letters').map((row) => row[0])).toEqual(['locker']);
  });

  it('says when a replay-all could not put a letter back (a pulled letter without a receiver here): it stays parked', async () => {
    const page = await agent.get(DEAD_LETTERS_PATH).expect(200);
    const all = await agent.post(`${DEAD_LETTERS_PATH}/replay`).type('form').send({ _csrf: csrfFieldOf(page.text), peer: 'locker' }).expect(303);
    expect(all.headers.location).toBe(`${DEAD_LETTERS_PATH}?replayed=0&failed=1`);
    const after = await agent.get(all.headers.location!).expect(200);
    expect(textOf(after.text)).toContain('One letter could not go back and stays parked: replay one alone to see why.');
    expect(textOf(after.text)).not.toContain('No dead letter was waiting');
    expect(rowsOf(after.text, 'dead-letters').map((row) => row[0])).toEqual(['locker']);
  });
});
