/**
 * The console pages as index.ts wires them, in the LRS with every plugin: a peer, a subscription
 * and a pull source registered through the admin API show on the overview (the peer's secret
 * never), the console's navigation has the section, and a replay of a letter that does not exist
 * is explained as a 404 page.
 */
import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import { signedInToConsole, type ConsoleAgent } from '../../../../test-support/console-session';
import { csrfFieldOf } from '../../../../test-support/people';
import { rowsOf, textOf } from './page-tests.contract';
import { DEAD_LETTERS_PATH, FEDERATION_CONSOLE_PATH } from './parts';

const SECRET = 'secret-used-at-the-peer';

describe('the federation console pages in the LRS with every plugin', () => {
  let lrs: TestLrs;
  let agent: ConsoleAgent;
  beforeAll(async () => {
    lrs = await createTestLrs();
    const manage = await lrs.credential(['plugins/federation/manage' as never], 'federation admin');
    const api = (path: string, body: object) => request(lrs.app).post(`/plugins/federation${path}`).set('Authorization', manage).send(body);
    await api('/peers', { slug: 'locker', name: 'Learning Locker', kind: 'xapi', endpoint: 'https://ll.example/data/xAPI', outboundCredentials: { key: 'ours-there', secret: SECRET } }).expect(201);
    await api('/subscriptions', { peer: 'locker', filters: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] } }).expect(201);
    await api('/pulls', { peer: 'locker' }).expect(201);
    agent = await signedInToConsole(lrs);
  }, 60_000);
  afterAll(() => lrs.close());

  it('shows what the admin API registered, without the secret used at the peer', async () => {
    const page = await agent.get(FEDERATION_CONSOLE_PATH).expect(200);
    expect(page.text).not.toContain(SECRET);
    expect(page.text).toContain(`<a href="${FEDERATION_CONSOLE_PATH}" aria-current="page">Federation</a>`);
    expect(rowsOf(page.text, 'federation-peers')).toEqual([['Learning Locker ( locker )', 'xAPI LRS', 'https://ll.example/data/xAPI']]);
    expect(rowsOf(page.text, 'federation-subscriptions')).toEqual([['locker', 'Verbs: http://adlnet.gov/expapi/verbs/completed', 'Active', '0', '0', 'Closed (delivering)']]);
    expect(rowsOf(page.text, 'federation-pulls')[0]!.slice(0, 6)).toEqual(['locker', 'Every statement', 'Active', '0', '0', 'Not started']);
    expect(textOf(page.text)).toContain('Dead letters waiting 0 See the dead letters');
  });

  it('explains the replay of a letter that does not exist (404 DEAD_LETTER_NOT_FOUND)', async () => {
    const list = await agent.get(DEAD_LETTERS_PATH).expect(200);
    expect(list.text).toContain('No dead letter is waiting.');
    const missing = '00000000-0000-4000-8000-000000000000';
    const response = await agent.post(`${DEAD_LETTERS_PATH}/${missing}/replay`).type('form').send({ _csrf: csrfFieldOf(list.text) }).expect(404);
    expect(textOf(response.text)).toContain(`That dead letter does not exist (any more). Details: No dead letter ${missing}`);
  });
});
