/**
 * The federation pages of the admin console over HTTP, in the whole LRS (its console sign-in,
 * sessions and CSRF) with stood-in services: what the overview shows of peers (never a secret),
 * subscriptions (filters, state, lag, the peer's circuit), pull sources (progress, last error) and
 * dead letters, in English and Spanish; the dead letters' replay forms (issue 15: "parked in a
 * dead-letter list … replayable from an admin route and page") and who may use them.
 */
import request from 'supertest';
import { decodeHtml, signedInToConsole, type ConsoleAgent } from '../../../../test-support/console-session';
import { csrfFieldOf } from '../../../../test-support/people';
import { DEAD_LETTERS_PATH, FEDERATION_CONSOLE_PATH } from './parts';
import { definitionsOf, rowsOf, textOf } from './page-tests.contract';
import { DEAD_LETTERS_SHOWN } from './routes';
import { deadLetters, LETTER_IDS, MISSING_ID, OTHER_ID, PULLED_ID, PUSHED_ID, standInConsole, type StandInConsole } from './stand-ins.contract';

describe('the federation pages of the admin console', () => {
  let on: StandInConsole;
  let agent: ConsoleAgent;
  beforeEach(async () => {
    on = await standInConsole();
    agent = await signedInToConsole(on.lrs);
  });
  afterEach(() => on.lrs.close());

  /** Opens the dead letters page, then posts `form` to `action` with its CSRF token; expects `status`. */
  async function submit(action: string, status: number, form: Record<string, string> = {}) {
    const token = csrfFieldOf((await agent.get(DEAD_LETTERS_PATH).expect(200)).text);
    return agent.post(action).type('form').send({ _csrf: token, ...form }).expect(status);
  }

  describe('the overview', () => {
    it('sums up and lists the peers with their kind and endpoint', async () => {
      const page = await agent.get(FEDERATION_CONSOLE_PATH).expect(200).expect('Content-Type', /text\/html/);
      expect(page.text).toMatch(/<h1[^>]*>Federation<\/h1>/);
      expect(definitionsOf(page.text)).toEqual({ Peers: '3', Subscriptions: '2', 'Pull sources': '3', 'Dead letters waiting': '3 See the dead letters' });
      expect(page.text).toContain(`<a href="${DEAD_LETTERS_PATH}">See the dead letters</a>`);
      expect(rowsOf(page.text, 'federation-peers')).toEqual([
        ['North University ( north )', 'Keiko (signed deliveries)', 'https://north.example/xapi'],
        ['Learning Locker ( locker )', 'xAPI LRS', 'https://ll.example/data/xAPI'],
        ['Canvas ( canvas )', 'Caliper sender (Canvas)', '—'],
      ]);
    });

    it("shows each subscription's filters, state, lag (feed head − cursor), statements retrying and the peer's circuit breaker", async () => {
      const page = await agent.get(FEDERATION_CONSOLE_PATH).expect(200);
      expect(rowsOf(page.text, 'federation-subscriptions')).toEqual([
        [
          'north',
          'Agents: mailto:ana@example.org, 42 (https://canvas.example) Verbs: http://adlnet.gov/expapi/verbs/completed, http://adlnet.gov/expapi/verbs/passed',
          'Active',
          '1,234',
          '3',
          'Open until 2027-03-10 10:00:30 UTC',
        ],
        ['locker', 'Every statement', 'Paused', '0', '0', 'Closed (delivering)'],
      ]);
    });

    it("shows each pull source's progress, counts and last error", async () => {
      const page = await agent.get(FEDERATION_CONSOLE_PATH).expect(200);
      expect(rowsOf(page.text, 'federation-pulls')).toEqual([
        ['locker', 'verb: http://adlnet.gov/expapi/verbs/completed', 'Active', '10,500', '2', '42.4% · stored up to 2027-03-09 08:00:00 UTC', 'the peer answered 503 (2027-03-10 09:59:00 UTC)', '2027-03-10 09:59:00 UTC'],
        ['north', 'agent: mailto:ana@example.org related_agents: true', 'Paused', '0', '0', 'Not started', '—', '2027-03-10 09:57:00 UTC'],
        ['north', 'Every statement', 'Active', '0', '0', 'Caught up', '—', '2027-03-10 09:58:00 UTC'],
      ]);
    });

    it('speaks Spanish', async () => {
      const page = await agent.get(`${FEDERATION_CONSOLE_PATH}?lang=es`).expect(200);
      expect(page.text).toMatch(/<h1[^>]*>Federación<\/h1>/);
      expect(definitionsOf(page.text)).toEqual({ Pares: '3', Suscripciones: '2', 'Fuentes de extracción': '3', 'Envíos apartados en espera': '3 Ver los envíos apartados' });
      expect(rowsOf(page.text, 'federation-subscriptions')[0]!.slice(2)).toEqual(['Activa', '1234', '3', 'Abierto hasta 2027-03-10 10:00:30 UTC']);
      expect(rowsOf(page.text, 'federation-pulls')[0]![5]).toBe('42,4 % · guardadas hasta el 2027-03-09 08:00:00 UTC');
      expect(rowsOf(page.text, 'federation-pulls')[2]![5]).toBe('Al día');
    });

    it('is a section of the console: its link in the console navigation', async () => {
      const page = await agent.get('/console').expect(200);
      expect(page.text).toContain(`<a href="${FEDERATION_CONSOLE_PATH}">Federation</a>`);
    });
  });

  describe('the dead letters', () => {
    it('lists each letter waiting with peer, statement, attempts, answer, reason and parked time, and a replay button; replay all per peer', async () => {
      const page = await agent.get(DEAD_LETTERS_PATH).expect(200);
      expect(page.text).toMatch(/<h1[^>]*>Dead letters<\/h1>/);
      expect(rowsOf(page.text, 'dead-letters')).toEqual([
        ['north', 'Push', PUSHED_ID, '5', '400', `the remote refused it: 400 INVALID_STATEMENT The peer's answer {"code":"INVALID_STATEMENT"}`, '2027-03-10 09:00:00 UTC', 'Replay'],
        ['locker', 'Pull', PULLED_ID, '1', '409', 'a different statement is stored under this id here', '2027-03-10 08:00:00 UTC', 'Replay'],
        ['north', 'Push', OTHER_ID, '5', 'No answer', 'the peer did not answer', '2027-03-10 07:00:00 UTC', 'Replay'],
      ]);
      // A pushed statement is stored here: linked to the console's statement page; a pulled one was refused, so it is not.
      expect(page.text).toContain(`<a href="/console/statements/${PUSHED_ID}"><code>${PUSHED_ID}</code></a>`);
      expect(page.text).not.toContain(`<a href="/console/statements/${PULLED_ID}">`);
      expect(page.text.match(/<form method="post" action="[^"]+\/replay">/g)).toEqual([
        `<form method="post" action="${DEAD_LETTERS_PATH}/${LETTER_IDS[0]}/replay">`,
        `<form method="post" action="${DEAD_LETTERS_PATH}/${LETTER_IDS[1]}/replay">`,
        `<form method="post" action="${DEAD_LETTERS_PATH}/${LETTER_IDS[2]}/replay">`,
        `<form method="post" action="${DEAD_LETTERS_PATH}/replay">`,
        `<form method="post" action="${DEAD_LETTERS_PATH}/replay">`,
      ]);
      expect(textOf(page.text)).toContain('Replay every letter of a peer Replay all of locker Replay all of north');
      expect(page.text).toContain(`aria-label="Replay ${PUSHED_ID} (north)"`);
    });

    it("lists one peer's letters alone, reached from the peer column, with a link back to every peer's", async () => {
      const all = await agent.get(DEAD_LETTERS_PATH).expect(200);
      expect(all.text).toContain(`<a href="${DEAD_LETTERS_PATH}?peer=north"><code>north</code></a>`);
      const north = await agent.get(`${DEAD_LETTERS_PATH}?peer=north`).expect(200);
      expect(rowsOf(north.text, 'dead-letters').map((row) => row[2])).toEqual([PUSHED_ID, OTHER_ID]);
      expect(textOf(north.text)).toContain("Only the letters of north are shown. Show every peer’s letters");
      expect(north.text).toContain(`<a href="${DEAD_LETTERS_PATH}">Show every peer’s letters</a>`);
      expect(textOf((await agent.get(`${DEAD_LETTERS_PATH}?peer=north&lang=es`).expect(200)).text)).toContain('Solo se muestran los envíos de north.');
    });

    it('answers a peer that cannot be one with a 400 page naming it', async () => {
      for (const [query, shown] of [['peer=North%20Uni', '"North Uni"'], ['peer=a&peer=b', '["a","b"]']]) {
        const response = await agent.get(`${DEAD_LETTERS_PATH}?${query}&lang=en`).expect(400).expect('Content-Type', /text\/html/);
        expect(decodeHtml(response.text)).toContain(`"peer" must be a peer's slug, got ${shown}`);
      }
    });

    it('replays one letter and comes back to the list saying so (303)', async () => {
      const response = await submit(`${DEAD_LETTERS_PATH}/${LETTER_IDS[0]}/replay`, 303);
      expect(response.headers.location).toBe(`${DEAD_LETTERS_PATH}?replayed=1`);
      expect(on.calls.replayed).toEqual([LETTER_IDS[0]]);
      const page = await agent.get(response.headers.location!).expect(200);
      expect(page.text).toContain('<p role="status">One dead letter went back to delivery.</p>');
      expect(rowsOf(page.text, 'dead-letters').map((row) => row[2])).toEqual([PULLED_ID, OTHER_ID]);
    });

    it('explains a letter replayed already (409 DEAD_LETTER_REPLAYED) in the page\'s language, with a link back', async () => {
      const token = csrfFieldOf((await agent.get(DEAD_LETTERS_PATH).expect(200)).text);
      await agent.post(`${DEAD_LETTERS_PATH}/${LETTER_IDS[0]}/replay`).type('form').send({ _csrf: token }).expect(303);
      const twice = await agent.post(`${DEAD_LETTERS_PATH}/${LETTER_IDS[0]}/replay?lang=es`).type('form').send({ _csrf: token }).expect(409);
      expect(textOf(twice.text)).toContain(`Ese envío apartado ya se volvió a entregar: está de nuevo en la entrega. Detalles: Dead letter ${LETTER_IDS[0]} was replayed already`);
      expect(twice.text).toContain(`<a href="${DEAD_LETTERS_PATH}">`);
      expect(on.calls.replayed).toEqual([LETTER_IDS[0]]);
    });

    it("replays every waiting letter of a peer, and says when none was waiting, in Spanish too", async () => {
      const all = await submit(`${DEAD_LETTERS_PATH}/replay`, 303, { peer: 'north' });
      expect(all.headers.location).toBe(`${DEAD_LETTERS_PATH}?replayed=2`);
      const after = (await agent.get(`${all.headers.location!}&lang=es`).expect(200)).text;
      expect(rowsOf(after, 'dead-letters').map((row) => row[0])).toEqual(['locker']);
      expect(textOf(after)).toContain('2 envíos apartados volvieron a la entrega.');
      expect(textOf(after)).toContain('Volver a entregar todos los de locker');
      const again = await submit(`${DEAD_LETTERS_PATH}/replay`, 303, { peer: 'north' });
      expect(again.headers.location).toBe(`${DEAD_LETTERS_PATH}?replayed=0`);
      expect(on.calls.replayedAll).toEqual(['north', 'north']);
      expect((await agent.get(`${DEAD_LETTERS_PATH}?replayed=0&lang=en`).expect(200)).text).toContain('<p role="status">No dead letter was waiting: nothing went back to delivery.</p>');
      expect((await agent.get(`${DEAD_LETTERS_PATH}?replayed=3&lang=es`).expect(200)).text).toContain('<p role="status">3 envíos apartados volvieron a la entrega.</p>');
    });

    it('says how many letters of a replay-all could not go back, as an error', async () => {
      const page = await agent.get(`${DEAD_LETTERS_PATH}?replayed=2&failed=1`).expect(200);
      expect(page.text).toContain('<p role="status" class="error-text">2 dead letters went back to delivery. One letter could not go back and stays parked: replay one alone to see why.</p>');
      const spanish = await agent.get(`${DEAD_LETTERS_PATH}?replayed=0&failed=3&lang=es`).expect(200);
      expect(spanish.text).toContain('<p role="status" class="error-text">3 envíos no pudieron volver y siguen apartados: vuelve a entregar uno solo para ver por qué.</p>');
    });

    it('ignores a notice that is not a count', async () => {
      const page = await agent.get(`${DEAD_LETTERS_PATH}?replayed=%3Cscript%3E`).expect(200);
      expect(page.text).not.toContain('role="status"');
    });

    it('answers a malformed letter id or peer with a 400 page naming it, replaying nothing', async () => {
      const badId = await submit(`${DEAD_LETTERS_PATH}/not-a-uuid/replay`, 400);
      expect(badId.headers['content-type']).toMatch(/text\/html/);
      expect(textOf(badId.text)).toContain('Nothing was changed. Check the form and try again.');
      expect(textOf(badId.text)).toContain('Details: id must be a UUID, got "not-a-uuid"');
      const badPeer = await submit(`${DEAD_LETTERS_PATH}/replay`, 400, { peer: 'North Uni' });
      expect(decodeHtml(badPeer.text)).toContain(`"peer" must be a peer's slug, got "North Uni"`);
      const noPeer = await submit(`${DEAD_LETTERS_PATH}/replay`, 400);
      expect(decodeHtml(noPeer.text)).toContain('the replay-all form requires the parameter(s) peer');
      const extra = await submit(`${DEAD_LETTERS_PATH}/replay`, 400, { peer: 'north', all: 'yes' });
      expect(decodeHtml(extra.text)).toContain('Unknown parameter "all" for the replay-all form');
      expect(on.calls).toEqual({ replayed: [], replayedAll: [] });
    });

    it('answers a letter that does not exist with a 404 page and a link back to the list', async () => {
      const response = await submit(`${DEAD_LETTERS_PATH}/${MISSING_ID}/replay`, 404);
      expect(textOf(response.text)).toContain(`That dead letter does not exist (any more). Details: No dead letter ${MISSING_ID}`);
      expect(response.text).toContain(`<a href="${DEAD_LETTERS_PATH}">`);
    });

    it('refuses a form without its CSRF token (403 INVALID_CSRF_TOKEN), replaying nothing', async () => {
      const response = await agent.post(`${DEAD_LETTERS_PATH}/${LETTER_IDS[0]}/replay`).type('form').send({}).expect(403);
      expect(decodeHtml(response.text)).toContain('This form has expired or did not come from this site');
      await agent.post(`${DEAD_LETTERS_PATH}/replay`).type('form').send({ peer: 'north', _csrf: 'forged' }).expect(403);
      expect(on.calls).toEqual({ replayed: [], replayedAll: [] });
    });

    it(`shows the ${DEAD_LETTERS_SHOWN} most recently parked and says so when there are more`, async () => {
      await on.lrs.close();
      const many = Array.from({ length: DEAD_LETTERS_SHOWN + 1 }, (_, index) => ({ ...deadLetters()[0]!, id: `${String(index).padStart(8, '0')}-0000-4000-8000-000000000000` }));
      on = await standInConsole(many);
      agent = await signedInToConsole(on.lrs);
      const page = await agent.get(DEAD_LETTERS_PATH).expect(200);
      expect(rowsOf(page.text, 'dead-letters')).toHaveLength(DEAD_LETTERS_SHOWN);
      expect(page.text).toContain(`The ${DEAD_LETTERS_SHOWN} most recently parked dead letters waiting are shown.`);
    });

    it('says when there is none, without a table or a replay-all form', async () => {
      await on.lrs.close();
      on = await standInConsole([]);
      agent = await signedInToConsole(on.lrs);
      const page = await agent.get(DEAD_LETTERS_PATH).expect(200);
      expect(page.text).toContain('No dead letter is waiting.');
      expect(page.text).not.toContain('<table');
      expect(page.text).not.toContain('Replay every letter');
    });
  });

  describe('who may see and use them', () => {
    it('sends visitors without a console session to sign in, HTTP Basic credentials included', async () => {
      for (const path of [FEDERATION_CONSOLE_PATH, DEAD_LETTERS_PATH]) {
        for (const visitor of [request(on.lrs.app).get(path), request(on.lrs.app).get(path).set('Authorization', on.lrs.auth)]) {
          const response = await visitor.expect(303);
          expect(response.headers.location).toBe(`/console/sign-in?next=${encodeURIComponent(path)}`);
        }
      }
    });

    it('refuses a replay without a console session (403 CONSOLE_SIGN_IN_REQUIRED, as a page), replaying nothing', async () => {
      const response = await request(on.lrs.app).post(`${DEAD_LETTERS_PATH}/${LETTER_IDS[0]}/replay`).set('Authorization', on.lrs.auth).type('form').send({}).expect(403);
      expect(response.text).toContain('Sign in to the console first: your console session has ended or was never started.');
      expect(on.calls).toEqual({ replayed: [], replayedAll: [] });
    });
  });
});
