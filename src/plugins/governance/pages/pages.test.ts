import { TEST_ENGINES } from '../../../../test-support/backends';
import { newSlug, schoolAgent, type GovernanceParty, type GovernanceTestLrs } from '../../../../test-support/governance';
import { closeWhenDue, formTime, pageText as text, startGovernance, submitForm as submit } from './page-tests.contract';

const PAGES = '/plugins/governance';

/**
 * The governance pages over HTTP on the whole LRS as index.ts wires it (issue 14's UI): a community
 * admin founds a community through the communities page, a person joins, delegates and revokes,
 * submits a proposal and votes through the pages' forms; hostile votes are refused on the page in its
 * language and store nothing; after the close the proposal page shows the outcome, tally, turnout,
 * root and the voter's inclusion proof; an adopted recognition is signed by the admin on the
 * recognitions page. On both engines: the pages read every feature's stores.
 */
describe.each(TEST_ENGINES)('the governance pages on the whole LRS on %s', (engine) => {
  let lrs: GovernanceTestLrs;
  let founder: GovernanceParty;
  let ana: GovernanceParty;
  let bruno: GovernanceParty;
  const slug = newSlug('maths');
  const community = `${PAGES}/community/${slug}`;

  beforeAll(async () => {
    lrs = await startGovernance(engine);
    founder = await lrs.signedInFounder(schoolAgent('Olga Fundadora'));
    ana = await lrs.signedInMember(schoolAgent('Ana García'));
    bruno = await lrs.member('Bruno Díaz');
    const founded = await submit(founder, `${PAGES}/community`, `${PAGES}/community`, { slug, name: 'Open Maths Teachers', description: 'Teachers sharing maths materials.' });
    expect([founded.status, founded.headers.location, text(founded.text)]).toEqual([303, community, expect.any(String)]);
    await lrs.join(slug, bruno);
  });
  afterAll(() => lrs?.close());

  it('founded the community through the form: the founder is its admin and a member, the list shows it', async () => {
    expect((await lrs.call(founder, 'get', `/communities/${slug}`).expect(200)).body).toMatchObject({ slug, name: { en: 'Open Maths Teachers' }, admins: [founder.key] });
    const page = text((await founder.browser!.get(community).expect(200)).text);
    expect(page).toContain('You are an admin of this community.');
    expect(page).toMatch(/You are a member since .* UTC\./);
    expect(text((await ana.browser!.get(`${PAGES}/community`).expect(200)).text)).toMatch(/Open Maths Teachers · 2 members · Founded on/);
    // A person without the role community-admin gets no found form, and its post is refused.
    expect(text((await ana.browser!.get(`${PAGES}/community`).expect(200)).text)).not.toContain('Found a community');
  });

  it('lets a person join through the form, and explains in Spanish that joining twice is refused (ALREADY_MEMBER)', async () => {
    expect(text((await ana.browser!.get(`${community}?lang=es`).expect(200)).text)).toContain('No eres miembro.');
    const joined = await submit(ana, community, `${community}/join`, {});
    expect([joined.status, joined.headers.location]).toEqual([303, community]);
    expect(text((await ana.browser!.get(community).expect(200)).text)).toContain('Eres miembro desde el');
    const members = (await lrs.call(ana, 'get', `/communities/${slug}/members`).expect(200)).body.members;
    expect(members.map((member: { member: string }) => member.member)).toContain(ana.key);
    const again = await submit(ana, community, `${community}/join`, {});
    expect([again.status, text(again.text)]).toEqual([409, expect.stringContaining('No se pudo hacer Ya eres miembro.')]);
  });

  it('delegates to the member chosen in the form, shows it, and revokes it (issue: liquid delegation, revocable)', async () => {
    const delegated = await submit(ana, `${community}?lang=en`, `${community}/delegations`, { delegate: bruno.key, proposalKind: 'all' });
    expect([delegated.status, delegated.headers.location]).toEqual([303, community]);
    const given = (await lrs.call(ana, 'get', `/communities/${slug}/delegations`).expect(200)).body.given;
    expect(given).toEqual([expect.objectContaining({ delegator: ana.key, delegate: bruno.key })]);
    const html = (await ana.browser!.get(community).expect(200)).text;
    expect(text(html)).toContain('Your vote goes to Bruno Díaz for every proposal.');
    const revoke = new RegExp(`action="(${community}/delegations/[0-9a-f-]{36}/revoke)"`).exec(html)![1]!;
    const revoked = await submit(ana, community, revoke, {});
    expect([revoked.status, revoked.headers.location]).toEqual([303, community]);
    expect(text((await ana.browser!.get(community).expect(200)).text)).toContain('You have not delegated your vote.');
  });

  it('submits a proposal and votes through the forms; refuses hostile votes on the page, storing nothing; after the close shows outcome, tally, turnout, root and the proof (issue: UI)', async () => {
    await lrs.delegate(slug, founder, bruno);
    const closesAt = formTime(6_000);
    const submitted = await submit(ana, community, `${community}/proposals`, { title: 'Adopt the shared syllabus', description: 'One syllabus.', kind: 'standard', mechanism: 'simple-majority', quorum: '50', threshold: '50', closesAt, ballotPrivacy: 'public', effect: 'none' });
    expect([submitted.status, text(submitted.text)]).toEqual([303, expect.any(String)]);
    const proposalPage = submitted.headers.location as string;
    const id = proposalPage.split('/').pop()!;
    expect(proposalPage).toBe(`${PAGES}/proposal/${id}`);
    expect((await lrs.call(ana, 'get', `/proposals/${id}`).expect(200)).body).toMatchObject({ rules: { quorum: 0.5, threshold: 0.5, closesAt: `${closesAt}.000Z`, choices: ['yes', 'no', 'abstain'] } });

    const voted = await submit(ana, proposalPage, `${proposalPage}/vote`, { choice: 'yes' });
    expect([voted.status, voted.headers.location]).toEqual([303, proposalPage]);
    expect(text((await ana.browser!.get(proposalPage).expect(200)).text)).toContain('Your ballot Yes');
    // Hostile input (issue): a choice that does not exist, a person who is no member: refused, explained, nothing stored.
    const unknown = await submit(ana, proposalPage, `${proposalPage}/vote`, { choice: 'maybe' });
    expect([unknown.status, text(unknown.text)]).toEqual([400, expect.stringContaining('That option is not one of the proposal’s.')]);
    const outsider = await lrs.signedInMember(schoolAgent('Otto Fuera'));
    const ineligible = await submit(outsider, `${proposalPage}?lang=es`, `${proposalPage}/vote`, { choice: 'yes' });
    expect([ineligible.status, text(ineligible.text)]).toEqual([403, expect.stringContaining('No puedes votar esta propuesta')]);
    expect((await lrs.call(outsider, 'get', `/proposals/${id}/ballot`)).status).toBe(404);
    expect((await lrs.call(ana, 'get', `/proposals/${id}/ballot`).expect(200)).body).toMatchObject({ response: 'yes' });
    expect((await lrs.call(bruno, 'post', `/proposals/${id}/ballots`, { choice: 'no' })).status).toBe(201);

    await closeWhenDue(lrs, `${closesAt}.000Z`);
    const closedHtml = (await ana.browser!.get(proposalPage).expect(200)).text;
    const closed = text(closedHtml);
    // Ana's yes, Bruno's no and Olga's no through her delegation to Bruno: quorum met (3 ≥ 1.5), support 1 of 3: rejected.
    expect(closed).toContain('Outcome Rejected The support did not exceed the threshold.');
    expect(closed).toMatch(/Option Votes Yes 1 No 2/);
    expect(closed).toContain('Eligible members 3 Votes counted 3 Abstentions 0 Quorum met yes');
    expect(closed).toContain('Your inclusion proof Counted for you: Yes.');
    const decision = (await lrs.call(ana, 'get', `/proposals/${id}/decision`).expect(200)).body;
    expect(closed).toContain(`Ballot set root (Merkle): ${decision.root}`);
    expect(closedHtml).toContain('data-inclusion-proof');
    expect(closedHtml).toContain('<script type="module" src="/plugins/governance/assets/verify-proof.js"');
    const proof = (await lrs.call(ana, 'get', `/proposals/${id}/proof`).expect(200)).body;
    expect(closedHtml).toContain(`data-root="${decision.root}"`);
    expect(closedHtml).toContain(proof.path.length > 0 ? proof.path[0] : proof.root);
    expect(closed).not.toContain('Cast your vote');
    // The form is gone after the close; a vote sent anyway is refused on the page.
    const refused = await submit(ana, proposalPage, `${proposalPage}/vote`, { choice: 'no' });
    expect([refused.status, text(refused.text)]).toEqual([409, expect.stringContaining('Voting has closed: your vote was not counted.')]);
    // Olga did not vote: her delegate's vote counted for her, and her proof says so (issue: liquid delegation).
    expect(text((await founder.browser!.get(proposalPage).expect(200)).text)).toContain('Counted for you: No. You did not vote: your delegate’s vote counted for you.');
    expect(text((await outsider.browser!.get(`${proposalPage}?lang=en`).expect(200)).text)).toContain('No vote of yours was counted in this decision.');
  });

  it('votes with the forms of approval, score and a sealed instant-runoff: the real service takes each structured ballot; after the close the rounds are shown (issue: every mechanism, hidden until close)', async () => {
    const closesAt = formTime(10_000);
    const form = { description: 'Choose.', kind: 'standard', quorum: '0', threshold: '50', closesAt, effect: 'none' };
    const submitted = async (fields: Record<string, string>) => {
      const response = await submit(ana, community, `${community}/proposals`, { ...form, ...fields });
      expect([response.status, text(response.text)]).toEqual([303, expect.any(String)]);
      return response.headers.location as string;
    };
    const runoff = await submitted({ title: 'Choose the textbook', mechanism: 'instant-runoff', options: 'alpha, beta, gamma', ballotPrivacy: 'commitment' });
    const approval = await submitted({ title: 'Pick the workshops', mechanism: 'approval', options: 'algebra, geometry', ballotPrivacy: 'public' });
    const score = await submitted({ title: 'Rate the venues', mechanism: 'score', options: 'north, south', scoreMin: '0', scoreMax: '10', ballotPrivacy: 'public' });

    expect((await submit(ana, runoff, `${runoff}/vote`, { ranking: ['beta', 'gamma', ''] })).status).toBe(303);
    expect((await submit(ana, approval, `${approval}/vote`, { approve: ['algebra', 'geometry'] })).status).toBe(303);
    expect((await submit(ana, score, `${score}/vote`, { score0: '8', score1: '2' })).status).toBe(303);
    const idOf = (page: string) => page.split('/').pop()!;
    expect((await lrs.call(bruno, 'post', `/proposals/${idOf(runoff)}/ballots`, { ranking: ['gamma'] })).status).toBe(201);
    expect((await lrs.call(founder, 'post', `/proposals/${idOf(runoff)}/ballots`, { ranking: ['alpha', 'beta'] })).status).toBe(201);
    const sealed = (await lrs.call(ana, 'get', `/proposals/${idOf(runoff)}/ballot`).expect(200)).body;
    const sealedPage = text((await ana.browser!.get(runoff).expect(200)).text);
    expect(sealedPage).toContain(`Your ballot 1. beta, 2. gamma`);
    expect(sealedPage).toContain(`Commitment ${sealed.commitment} Salt ${sealed.salt}`);
    expect(text((await ana.browser!.get(approval).expect(200)).text)).toContain('Your ballot algebra, geometry');
    expect(text((await ana.browser!.get(score).expect(200)).text)).toContain('Your ballot north: 8, south: 2');

    await closeWhenDue(lrs, `${closesAt}.000Z`);
    // First preferences beta (Ana), gamma (Bruno), alpha (Olga): a three-way tie, the one listed last goes (gamma: Bruno's
    // ballot is exhausted), then beta and alpha tie and beta goes (Ana's ballot too): alpha is left with 1 of 1 (docs/governance.md).
    const decided = text((await ana.browser!.get(runoff).expect(200)).text);
    expect(decided).toContain('Outcome Adopted The proposal met its quorum and its threshold. Winner: alpha.');
    expect(decided).toContain('Instant-runoff rounds Votes per option in each round Round alpha beta gamma Eliminated Round 1 1 1 1 gamma Round 2 1 1 — beta Round 3 1 — — none');
    // Approval: Ana approved both, a tie at the top. Score: north's total 8, its mean 8 of 0..10 is above 50 %.
    expect(text((await ana.browser!.get(approval).expect(200)).text)).toContain('Outcome Rejected Options tied at the top.');
    const scored = text((await ana.browser!.get(score).expect(200)).text);
    expect(scored).toContain('Outcome Adopted The proposal met its quorum and its threshold. Winner: north.');
    expect(scored).toContain('Option Votes north 8 south 2');
  });

  it('lets the admin sign an adopted recognition on the recognitions page, and refuses a member without the role (issue: recognition signed by A’s admin)', async () => {
    const other = await lrs.foundCommunity({ name: { en: 'Science Circle', es: 'Círculo de Ciencias' } });
    const closesAt = new Date(Date.now() + 3_000).toISOString();
    const rules = { mechanism: 'simple-majority', quorum: 0, threshold: 0.5, closesAt, ballotPrivacy: 'public', choices: ['yes', 'no', 'abstain'] };
    const effect = { type: 'recognize', community: other.slug, scope: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] } };
    const proposal = (await lrs.call(ana, 'post', `/communities/${slug}/proposals`, { title: { en: 'Recognise the Science Circle' }, description: { en: 'Their completions count here.' }, kind: 'recognition', rules, effect }).expect(201)).body;
    expect((await lrs.call(ana, 'post', `/proposals/${proposal.id}/ballots`, { choice: 'yes' })).status).toBe(201);
    await closeWhenDue(lrs, closesAt);

    const recognitions = `${community}/recognitions`;
    const awaiting = text((await founder.browser!.get(recognitions).expect(200)).text);
    expect(awaiting).toContain(`Adopted, awaiting the admin’s signature Recognise ${other.slug}`);
    expect(awaiting).toContain('Sign as admin');
    expect(text((await ana.browser!.get(recognitions).expect(200)).text)).not.toContain('Sign as admin');
    const byMember = await submit(ana, recognitions, `${recognitions}/${proposal.id}/sign`, {});
    expect(byMember.status).toBe(403);
    const signed = await submit(founder, recognitions, `${recognitions}/${proposal.id}/sign`, {});
    expect([signed.status, signed.headers.location]).toEqual([303, recognitions]);
    const after = text((await founder.browser!.get(`${recognitions}?lang=es`).expect(200)).text);
    expect(after).toContain(`Dados Reconoce a ${other.slug}`);
    expect(after).toContain('Aprobados, pendientes de la firma del administrador Ninguno.');
    expect((await lrs.call(founder, 'get', `/communities/${slug}/recognitions`).expect(200)).body.given).toEqual([expect.objectContaining({ from: slug, to: other.slug, proposalId: proposal.id })]);
    const twice = await submit(founder, recognitions, `${recognitions}/${proposal.id}/sign`, {});
    expect([twice.status, text(twice.text)]).toEqual([409, expect.stringContaining('El reconocimiento ya estaba firmado.')]);
  });

  it('refuses a form without its CSRF token, changing nothing', async () => {
    const response = await ana.browser!.post(`${community}/leave`).type('form').send({});
    expect(response.status).toBe(403);
    expect((await lrs.call(ana, 'get', `/communities/${slug}/members`).expect(200)).body.members.map((member: { member: string }) => member.member)).toContain(ana.key);
  });
});
