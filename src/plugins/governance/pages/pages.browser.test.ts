import type { Page } from 'playwright-core';
import { browserTests, expectAccessible, MOBILE, signedInThroughLoginLink, useBrowser } from '../../../../test-support/browser';
import { schoolAgent, type GovernanceParty, type GovernanceTestLrs, type TestAgent } from '../../../../test-support/governance';
import { closeWhenDue, startGovernance } from './page-tests.contract';

const { describe: describeInBrowser } = browserTests;

/** How long after submission the journeys' proposals close: time to vote in the browser first. */
const VOTING_MS = 8_000;

/**
 * The governance pages on the whole LRS in Chromium (issue 14's UI): a person joins a community,
 * delegates, votes on an open proposal through the pages and, after the close job ran, sees the
 * outcome, the tally and their inclusion proof verified in the page (< 100 ms); the admin signs an
 * adopted recognition on the recognitions page. Every page checked with axe in English and Spanish,
 * without console errors or CSP violations.
 */
describeInBrowser('The governance pages, in a real browser', () => {
  let lrs: GovernanceTestLrs;
  let founder: GovernanceParty;
  let bruno: GovernanceParty;
  const founderAgent = schoolAgent('Olga Fundadora');
  const browser = useBrowser(async () => {
    lrs = await startGovernance();
    founder = await lrs.signedInFounder(founderAgent);
    bruno = await lrs.member('Bruno Díaz');
    return lrs.lrs.app;
  });
  afterAll(() => lrs?.close());

  async function signedIn(who: TestAgent, path: string, lang: 'en' | 'es', options = {}) {
    return signedInThroughLoginLink(browser, lrs, who, lang, options, path);
  }

  /** Clicks a submit button and waits for the page its 303 leads to (the same URL, often). */
  async function submitAndWait(page: Page, button: string, url: RegExp) {
    await Promise.all([page.waitForNavigation({ url }), page.getByRole('button', { name: button, exact: true }).click()]);
  }

  async function mainText(page: Page): Promise<string> {
    return (await page.innerText('main')).replace(/\s+/g, ' ');
  }

  /** A yes/no proposal in the community submitted by `by` (a member), closing VOTING_MS from now. */
  async function openProposal(slug: string, by: GovernanceParty, extra: Record<string, unknown> = {}) {
    const rules = { mechanism: 'simple-majority', quorum: 0.3, threshold: 0.5, closesAt: new Date(Date.now() + VOTING_MS).toISOString(), ballotPrivacy: 'public', choices: ['yes', 'no', 'abstain'] };
    const response = await lrs.call(by, 'post', `/communities/${slug}/proposals`, { title: { en: 'Adopt the shared syllabus', es: 'Adoptar el temario común' }, description: { en: 'One syllabus.', es: 'Un temario.' }, kind: 'standard', rules, ...extra });
    expect([response.status, response.body.code]).toEqual([201, undefined]);
    return response.body as { id: string; rules: { closesAt: string } };
  }

  it.each(['en', 'es'] as const)('lets a person join, delegate, vote, and after the close see the outcome, the tally and their proof verified in under 100 ms (%s)', async (lang) => {
    const es = lang === 'es';
    const community = await lrs.foundCommunity({ name: { en: `Maths ${lang}`, es: `Mates ${lang}` } }, founder);
    await lrs.join(community.slug, bruno);
    const ana = schoolAgent(`Ana ${lang}`);
    const { page, problems } = await signedIn(ana, `/plugins/governance/community/${community.slug}`, lang);
    expect(await page.textContent('h1')).toBe(es ? `Mates ${lang}` : `Maths ${lang}`);
    await expectAccessible(page);
    await submitAndWait(page, es ? 'Unirme a esta comunidad' : 'Join this community', /\/community\//);
    expect(await mainText(page)).toContain(es ? 'Eres miembro desde el' : 'You are a member since');
    await page.getByLabel(es ? 'En el miembro' : 'To the member').selectOption({ label: 'Bruno Díaz' });
    await submitAndWait(page, es ? 'Delegar tu voto' : 'Delegate your vote', /\/community\//);
    expect(await mainText(page)).toContain(es ? 'Tu voto va a Bruno Díaz para todas las propuestas.' : 'Your vote goes to Bruno Díaz for every proposal.');
    await expectAccessible(page);

    const proposal = await openProposal(community.slug, bruno);
    await page.goto(`/plugins/governance/proposal/${proposal.id}`);
    expect(await mainText(page)).toContain(es ? 'votos ≥ 30 %' : 'votes ≥ 30 %');
    await expectAccessible(page);
    await page.getByRole('radio', { name: es ? 'Sí' : 'Yes' }).check();
    await submitAndWait(page, es ? 'Emitir tu voto' : 'Cast your vote', /\/proposal\//);
    expect(await page.locator('#your-ballot + p').textContent()).toBe(es ? 'Sí' : 'Yes');
    expect((await lrs.call(bruno, 'post', `/proposals/${proposal.id}/ballots`, { choice: 'no' })).status).toBe(201);

    await closeWhenDue(lrs, proposal.rules.closesAt);
    await page.reload();
    // Ana's yes (direct, overriding her delegation) and Bruno's no of three eligible: 1 of 2 is not more than 50 %.
    expect(await mainText(page)).toContain(es ? 'Resultado Rechazada El apoyo no superó el umbral.' : 'Outcome Rejected The support did not exceed the threshold.');
    expect(await page.getByRole('table', { name: es ? 'Votos por opción (votos delegados incluidos)' : 'Votes per option (delegated votes included)' }).count()).toBe(1);
    const verdict = page.locator('[data-inclusion-proof]');
    await verdict.and(page.locator('[data-result="verified"]')).waitFor();
    expect(await verdict.textContent()).toContain(es ? 'Verificado' : 'Verified');
    expect(Number(await verdict.getAttribute('data-milliseconds'))).toBeLessThan(100);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it.each(['en', 'es'] as const)('lets the admin sign an adopted recognition on the recognitions page (%s)', async (lang) => {
    const es = lang === 'es';
    const community = await lrs.foundCommunity({}, founder);
    const other = await lrs.foundCommunity({ name: { en: `Science ${lang}`, es: `Ciencias ${lang}` } });
    const effect = { type: 'recognize', community: other.slug, scope: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] } };
    const proposal = await openProposal(community.slug, founder, { kind: 'recognition', effect });
    expect((await lrs.call(founder, 'post', `/proposals/${proposal.id}/ballots`, { choice: 'yes' })).status).toBe(201);
    await closeWhenDue(lrs, proposal.rules.closesAt);

    const { page, problems } = await signedIn(founderAgent, `/plugins/governance/community/${community.slug}/recognitions`, lang);
    expect(await mainText(page)).toContain(es ? `Reconocer a ${other.slug}` : `Recognise ${other.slug}`);
    await expectAccessible(page);
    await submitAndWait(page, es ? 'Firmar como administrador' : 'Sign as admin', /\/recognitions$/);
    expect(await mainText(page)).toContain(es ? `Dados Reconoce a ${other.slug}` : `Given Recognises ${other.slug}`);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('reads on a phone, and works without JavaScript: the community page', async () => {
    const community = await lrs.foundCommunity({}, founder);
    const { page, problems } = await signedIn(founderAgent, `/plugins/governance/community/${community.slug}`, 'es', MOBILE);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
    const { page: plain } = await signedIn(founderAgent, `/plugins/governance/community/${community.slug}`, 'en', { javaScriptEnabled: false });
    await plain.getByLabel('Title').fill('Meet on Fridays');
    await plain.getByLabel('Description').fill('Fridays suit most of us.');
    await plain.getByLabel('Voting closes (UTC)').fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 19));
    await Promise.all([plain.waitForNavigation(), plain.getByRole('button', { name: 'Submit the proposal', exact: true }).click()]);
    expect([plain.url(), await mainText(plain)]).toEqual([expect.stringMatching(/\/plugins\/governance\/proposal\/[0-9a-f-]{36}$/), expect.stringMatching(/^Meet on Fridays/)]);
  });
});
