import request from 'supertest';
import { csrfFieldOf } from '../../../../test-support/people';
import { PROOF_SCRIPT_PATH } from '../ballot-set';
import { pageText as text } from './page-tests.contract';
import { ANA_KEY, APPROVAL_ID, BRUNO, BRUNO_KEY, CLOSED_ID, DELEGATION_ID, OPEN_ID, pagesApp, RECOGNITION_ID, SCORE_ID, SEALED_ID, SLUG, standIns, type Calls } from './stand-ins.contract';

const BASE = '/plugins/governance';
const ANA_SIGNED_IN = { 'x-test-roles': '' };

/**
 * The governance pages over HTTP with stood-in services: what each page shows from fixed data, in
 * English and Spanish, and what each form sends to the service (the same method the JSON route
 * calls) as the signed-in person, 303 back, or the service's refusal explained on the page.
 */
describe('the governance pages with stood-in services', () => {
  let calls: Calls;
  beforeEach(() => {
    calls = {};
  });

  const get = (path: string, founder = false) => request(pagesApp(calls, { founder })).get(path).set(ANA_SIGNED_IN);

  /** Opens `page`, then posts `form` to `action` with that page's CSRF token, in one app (one set of recorded calls). */
  async function submit(page: string, action: string, form: Record<string, string | string[]>, signedIn = ANA_SIGNED_IN) {
    const browser = request.agent(pagesApp(calls, { founder: true }));
    const token = csrfFieldOf((await browser.get(page).set(signedIn).expect(200)).text);
    return browser.post(action).set(signedIn).type('form').send({ _csrf: token, ...form });
  }

  it('sends a visitor who is not signed in to sign in', async () => {
    const response = await request(pagesApp(calls)).get(`${BASE}/community`).expect(303);
    expect(response.headers.location).toBe('/sign-in');
  });

  it('lists the communities, with the found form only for a community admin', async () => {
    const page = text((await get(`${BASE}/community`).expect(200)).text);
    expect(page).toContain('Open Maths Teachers · 3 members · Founded on January 5, 2027 at 09:00 UTC');
    expect(page).toContain('Science Circle · 1 member');
    expect(page).not.toContain('Found a community');
    expect(text((await get(`${BASE}/community?lang=es`, true).expect(200)).text)).toContain('Fundar una comunidad');
  });

  it('shows a community to a member: membership, the delegation in force, open and closed proposals, rules', async () => {
    const page = text((await get(`${BASE}/community/${SLUG}`).expect(200)).text);
    expect(page).toContain('You are an admin of this community.');
    expect(page).toContain('You are a member since January 6, 2027 at 09:00 UTC.');
    expect(page).toContain('Your vote goes to Bruno Díaz for every proposal. Revoke this delegation');
    expect(page).toContain('Open Adopt the shared syllabus · Standard · voting closes March 12, 2027 at 10:00 UTC');
    expect(page).toContain('Closed Pick the textbook · Standard · Adopted');
    expect(page).toContain('Completed courses Verbs http://adlnet.gov/expapi/verbs/completed Activity types any Authorities any Minimum scaled score 0.5');
    // The delegate form offers the other members, never the viewer.
    const html = (await get(`${BASE}/community/${SLUG}`).expect(200)).text;
    expect(html).toContain(`<option value="${BRUNO_KEY}">Bruno Díaz</option>`);
    expect(html).not.toContain(`<option value="${ANA_KEY}"`);
  });

  it('states the rules in plain words: participation counts abstentions and uses ≥, support excludes them and uses > (issue: published semantics)', async () => {
    const en = text((await get(`${BASE}/proposal/${OPEN_ID}`).expect(200)).text);
    expect(en).toContain('Quorum: at least 30 % of the eligible members must vote, abstentions included (votes ≥ 30 % of eligible members)');
    expect(en).toContain('Support: more than 50 % of the votes that are not abstentions must say yes (yes > 50 %).');
    expect(en).toContain('Votes count when cast from March 9, 2027 at 10:00 UTC until before March 12, 2027 at 10:00 UTC.');
    const es = text((await get(`${BASE}/proposal/${OPEN_ID}?lang=es`).expect(200)).text);
    expect(es).toContain('Quórum: debe votar al menos el 30 % de los miembros con derecho a voto, abstenciones incluidas (votos ≥ 30 % de ellos)');
    expect(es).toContain('Apoyo: más del 50 % de los votos que no son abstenciones debe decir sí (sí > 50 %).');
  });

  it('offers the vote form of an open proposal with one radio button per choice, and no proof script', async () => {
    const html = (await get(`${BASE}/proposal/${OPEN_ID}`).expect(200)).text;
    expect(html.match(/<input type="radio" name="choice" value="(yes|no|abstain)"/g)).toHaveLength(3);
    expect(html).toContain(`action="${BASE}/proposal/${OPEN_ID}/vote"`);
    expect(html).not.toContain(PROOF_SCRIPT_PATH);
  });

  it('shows a closed instant-runoff proposal: outcome, tally, every round, turnout, root, anchoring, and the inclusion proof with its check script', async () => {
    const html = (await get(`${BASE}/proposal/${CLOSED_ID}`).expect(200)).text;
    const page = text(html);
    expect(page).toContain('Your ballot 1. alpha, 2. beta');
    expect(page).toContain('Outcome Adopted The proposal met its quorum and its threshold. Winner: alpha.');
    expect(page).toContain('Votes per option (delegated votes included) Option Votes alpha 2 beta 2 gamma 1');
    expect(page).toContain('Round alpha beta gamma Eliminated Round 1 2 2 1 gamma Round 2 3 2 — none');
    expect(page).toContain('Eligible members 5 Votes counted 5 Abstentions 0 Quorum met yes');
    expect(page).toMatch(/Ballot set root \(Merkle\): [0-9a-f]{64} Waiting for the next anchoring period\./);
    expect(html).toContain(`href="${BASE}/proposals/${CLOSED_ID}/ballot-set"`);
    expect(html).toContain(`<script type="module" src="${PROOF_SCRIPT_PATH}"`);
    expect(page).toContain('Your inclusion proof Counted for you: 1. alpha, 2. beta. Your counted vote is leaf');
    expect(page).not.toContain('your delegate’s vote counted for you');
    expect(html).toContain('data-inclusion-proof');
    expect(html).not.toContain(`/proposal/${CLOSED_ID}/vote`);
  });

  it('offers checkboxes for approval, one ranking select per rank for instant-runoff, a number input per option for score, and an abstain button', async () => {
    const approval = (await get(`${BASE}/proposal/${APPROVAL_ID}`).expect(200)).text;
    expect(approval.match(/<input type="checkbox" name="approve" value="(algebra|geometry|statistics)"/g)).toHaveLength(3);
    expect(approval).toContain('<button type="submit" name="abstain" value="1" class="button--secondary">Abstain</button>');
    expect(text(approval)).toContain('The option approved by most voters wins if more than 40 % of the votes that are not abstentions approve it.');
    const runoff = (await get(`${BASE}/proposal/${SEALED_ID}`).expect(200)).text;
    expect(runoff.match(/<select id="rank-\d" name="ranking">/g)).toHaveLength(3);
    expect(text(runoff)).toContain('Choice 1 — alpha beta gamma Choice 2');
    const score = (await get(`${BASE}/proposal/${SCORE_ID}?lang=es`).expect(200)).text;
    expect(score).toContain('<input id="score-1" name="score1" type="number" min="0" max="10" step="1" required');
    expect(text(score)).toContain('Los votantes puntúan cada opción de 0 a 10. Gana la opción con mayor total si su media supera el 60 % del rango.');
  });

  it.each([
    [APPROVAL_ID, { approve: ['algebra', 'statistics'] }, { approve: ['algebra', 'statistics'] }],
    [SEALED_ID, { ranking: ['gamma', 'alpha', ''] }, { ranking: ['gamma', 'alpha'] }],
    [SCORE_ID, { score0: '7', score1: '3' }, { scores: { north: 7, south: 3 } }],
    [SCORE_ID, { abstain: '1', score0: '', score1: '' }, { response: 'abstain' }],
  ])('sends the vote form of %s to the service as its structured ballot', async (id, form, ballot) => {
    const response = await submit(`${BASE}/proposal/${id}`, `${BASE}/proposal/${id}/vote`, form);
    expect([response.status, calls.vote]).toEqual([303, [[expect.objectContaining({ key: ANA_KEY }), id, ballot]]]);
  });

  it('shows the voter their sealed ballot: the ranking, the commitment and the salt to keep (issue: hidden until close)', async () => {
    const page = text((await get(`${BASE}/proposal/${SEALED_ID}`).expect(200)).text);
    expect(page).toContain('Ballots are sealed until the close');
    expect(page).toContain(`Your ballot 1. gamma, 2. alpha Cast on March 10, 2027 at 09:00 UTC. Your ballot is sealed until the close. Keep this salt: with it anyone can check your commitment. Commitment ${'c'.repeat(64)} Salt ${'5a17'.repeat(8)}`);
  });

  it('says when the decision is anchored, with the transaction and the receipt', async () => {
    const anchored = standIns(calls, { state: 'anchored', transactionHash: '0xabc123', receiptUrl: 'https://lrs.example/anchoring/receipts/1' });
    const page = (await request(pagesApp(calls, { services: anchored })).get(`${BASE}/proposal/${CLOSED_ID}?lang=es`).set(ANA_SIGNED_IN).expect(200)).text;
    expect(text(page)).toContain('La decisión está anclada en Starknet. Transacción: 0xabc123 · Recibo del anclaje');
  });

  it('votes through the form as the signed-in person: the structured ballot goes to the service, then 303 back to the proposal', async () => {
    const response = await submit(`${BASE}/proposal/${OPEN_ID}`, `${BASE}/proposal/${OPEN_ID}/vote`, { choice: 'no' });
    expect([response.status, response.headers.location]).toEqual([303, `${BASE}/proposal/${OPEN_ID}`]);
    expect(calls.vote).toEqual([[expect.objectContaining({ key: ANA_KEY }), OPEN_ID, { choice: 'no' }]]);
  });

  it('delegates to the member chosen by key: the service gets their Agent and the scope', async () => {
    const page = `${BASE}/community/${SLUG}`;
    const response = await submit(page, `${page}/delegations`, { delegate: BRUNO_KEY, proposalKind: 'policy' });
    expect([response.status, response.headers.location]).toEqual([303, page]);
    expect(calls.delegate).toEqual([[expect.objectContaining({ key: ANA_KEY }), SLUG, { delegate: BRUNO, proposalKind: 'policy' }]]);
    const revoked = await submit(page, `${page}/delegations/${DELEGATION_ID}/revoke`, {});
    expect([revoked.status, calls.revokeDelegation]).toEqual([303, [[expect.anything(), SLUG, DELEGATION_ID]]]);
  });

  it('refuses a delegate who is not a member, saying so, and delegates nothing', async () => {
    const page = `${BASE}/community/${SLUG}`;
    const response = await submit(page, `${page}/delegations`, { delegate: 'mbox:mailto:stranger@example.org', proposalKind: 'all' });
    expect(response.status).toBe(400);
    expect(text(response.text)).toContain('That could not be done Nothing was changed. Check the form and try again. Details: delegate: choose a member of the community');
    expect(calls.delegate).toBeUndefined();
  });

  it("explains the service's refusal in the page's language with a way back (ALREADY_MEMBER, 409)", async () => {
    const page = `${BASE}/community/${SLUG}?lang=es`;
    const response = await submit(page, `${BASE}/community/${SLUG}/join`, {});
    expect(response.status).toBe(409);
    expect(text(response.text)).toContain('No se pudo hacer Ya eres miembro. Detalles: You are a member of open-maths already Volver al formulario');
    expect(response.text).toContain(`<a href="${BASE}/community/${SLUG}">`);
  });

  it('submits a proposal through the form and goes to its page', async () => {
    const page = `${BASE}/community/${SLUG}`;
    const response = await submit(page, `${page}/proposals`, { title: 'Meet on Fridays', kind: 'policy', mechanism: 'simple-majority', quorum: '25', threshold: '50', closesAt: '2027-03-20T18:00', ballotPrivacy: 'public', effect: 'none' });
    expect([response.status, response.headers.location]).toEqual([303, `${BASE}/proposal/${OPEN_ID}`]);
    expect(calls.submit![0]![2]).toMatchObject({ title: { en: 'Meet on Fridays' }, kind: 'policy', rules: { quorum: 0.25, threshold: 0.5, closesAt: '2027-03-20T18:00:00.000Z', choices: ['yes', 'no', 'abstain'] } });
  });

  it('founds a community for a community admin, and refuses a person without the role', async () => {
    const founded = await submit(`${BASE}/community`, `${BASE}/community`, { slug: 'new-community', name: 'New', description: '' }, { 'x-test-roles': 'community-admin' });
    expect([founded.status, founded.headers.location]).toEqual([303, `${BASE}/community/new-community`]);
    expect(calls.found).toEqual([[expect.anything(), { slug: 'new-community', name: { en: 'New' }, description: {} }]]);
    const app = pagesApp(calls);
    const token = csrfFieldOf((await request(app).get(`${BASE}/community/${SLUG}`).set(ANA_SIGNED_IN)).text);
    const refused = await request(app).post(`${BASE}/community`).set(ANA_SIGNED_IN).type('form').send({ _csrf: token, slug: 'other-one', name: 'X' });
    expect([refused.status, calls.found]).toEqual([403, [expect.anything()]]);
  });

  it('lists recognitions given, received and awaiting, and lets the admin sign (303 back to the recognitions page)', async () => {
    const page = `${BASE}/community/${SLUG}/recognitions`;
    const shown = text((await get(page).expect(200)).text);
    expect(shown).toContain('Given Recognises science-circle · since February 1, 2027 at 10:00 UTC · the decision Verbs http://adlnet.gov/expapi/verbs/completed Activity types any Credential types any');
    expect(shown).toContain('Received None.');
    expect(shown).toContain('Recognise science-circle Adopted on March 1, 2027 at 10:00 UTC.');
    const signed = await submit(page, `${page}/${RECOGNITION_ID}/sign`, {}, { 'x-test-roles': 'community-admin' });
    expect([signed.status, signed.headers.location]).toEqual([303, page]);
    expect(calls.sign).toEqual([[expect.objectContaining({ key: ANA_KEY }), SLUG, RECOGNITION_ID]]);
    // Signing administers, as the JSON route's scope `administer` says: a person without the role community-admin is refused.
    expect((await submit(page, `${page}/${RECOGNITION_ID}/sign`, {})).status).toBe(403);
    expect(calls.sign).toHaveLength(1);
  });

  it('refuses a form without its CSRF token, calling no service', async () => {
    const response = await request(pagesApp(calls)).post(`${BASE}/proposal/${OPEN_ID}/vote`).set(ANA_SIGNED_IN).type('form').send({ choice: 'yes' });
    expect(response.status).toBe(403);
    expect(calls.vote).toBeUndefined();
  });

  it.each([
    [`${BASE}/community/no-such-community`, 404, 'Page not found'],
    [`${BASE}/proposal/2d8f3c74-5e3f-4a01-9c9d-7e4f3a2b1c0d`, 404, 'Page not found'],
    [`${BASE}/proposal/not-a-uuid`, 400, 'id'],
    [`${BASE}/community/NO`, 400, 'slug'],
  ])('answers %s with an HTML %d page', async (path, status, words) => {
    const response = await get(path).set('Accept', 'text/html').expect(status);
    expect([response.headers['content-type'], text(response.text)]).toEqual([expect.stringMatching(/^text\/html/), expect.stringContaining(words)]);
  });
});
