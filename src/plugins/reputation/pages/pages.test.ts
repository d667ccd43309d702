import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { csrfFieldOf } from '../../../../test-support/people';
import { InstitutionsLrs } from '../../../../test-support/institutions-lrs';
import { attended, newSession, person, rated } from '../../../../test-support/reputation';
import { loadPlugins } from '../../../platform/plugins/load';

/**
 * The reputation pages over HTTP on the whole LRS: a tutor with two students and a peer in one
 * session; ratings POSTed by School LMS, read by the people signed in through login links.
 */
describe('the reputation pages', () => {
  let lrs: InstitutionsLrs;
  const session = newSession();
  const tutor = person('Tomás Ruiz');
  const ana = person('Ana García');
  const bea = person('Bea López');
  const carlos = person('Carlos Pérez');
  let tutorPage: string;
  let tutorId: string;
  let anaId: string;

  beforeAll(async () => {
    lrs = await InstitutionsLrs.start();
    await lrs.store(attended(session, tutor, ana, bea, carlos));
    await lrs.store([
      // Ana and the tutor rated each other: both revealed.
      rated(ana, tutor, session, { score: 5, raterRole: 'student', rateeRole: 'tutor', comment: 'Explained matrices patiently.' }),
      rated(tutor, ana, session, { score: 4, raterRole: 'tutor', rateeRole: 'student' }),
      // Bea rated the tutor, who has not rated her: sealed for 14 days.
      rated(bea, tutor, session, { score: 1, raterRole: 'student', rateeRole: 'tutor', comment: 'Always late.' }),
      // The tutor rated Carlos, who has not rated back: sealed, the tutor sees it as theirs.
      rated(tutor, carlos, session, { score: 3, raterRole: 'tutor', rateeRole: 'student', comment: 'Needs practice.' }),
    ]);
    // Ana again, after the pair's ratings were revealed (a later second: the reveal's own second still belongs to it): shown to the tutor, but it does not count.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await lrs.store([rated(ana, tutor, session, { score: 2, raterRole: 'student', rateeRole: 'tutor', comment: 'Changed my mind.' })]);
    anaId = (await lrs.signedIn(ana)).personId;
    const signedIn = await lrs.signedIn(tutor);
    tutorId = signedIn.personId;
    tutorPage = (await signedIn.browser.get('/plugins/reputation/me').expect(200)).text;
  });
  afterAll(() => lrs?.close());

  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  it("shows the person's scores from revealed ratings only, and the revealed rating with its comment", () => {
    expect(text(tutorPage)).toContain('Your reputation');
    expect(text(tutorPage)).toContain('Current score 5.00 of 5');
    expect(text(tutorPage)).toContain('Historical score 5.00 of 5');
    expect(text(tutorPage)).toContain('1 rating in all, 1 recent.');
    expect(tutorPage).toContain('Explained matrices patiently.');
    expect(text(tutorPage)).toMatch(/Rated 2 of 5 Session: .* · Sent after reveal: does not count Changed my mind\./);
  });

  it('never shows the ratee a sealed rating, its score or its comment', () => {
    expect(tutorPage).not.toContain('Always late.');
    expect(text(tutorPage)).not.toContain('Rated 1 of 5');
  });

  it("lists the ratings the person gave, sealed ones marked with their reveal date, and the received rating's reply and appeal forms", () => {
    const given = text(tutorPage.slice(tutorPage.indexOf('id="reputation-given"')));
    expect(given).toMatch(/Carlos Pérez 3 .* Sealed until /);
    expect(given).toMatch(/Ana García 4 .* Counts/);
    // Ana is a person (she signed in): her name links to her page; Carlos is no one's identity yet.
    expect(tutorPage).toContain(`<a href="/plugins/reputation/people/${anaId}">Ana García</a>`);
    expect(tutorPage).toMatch(/<th scope="row">Carlos Pérez<\/th>/);
    expect(tutorPage).toMatch(/<form method="post" action="\/plugins\/reputation\/ratings\/[0-9a-f-]{36}\/replies">/);
    expect(tutorPage).toMatch(/<form method="post" action="\/plugins\/reputation\/ratings\/[0-9a-f-]{36}\/appeals">/);
    expect(tutorPage).toContain('name="_csrf"');
    expect(tutorPage).toContain('<option value="retaliation">Retaliation</option>');
    expect(tutorPage).toContain('Data table');
  });

  it('speaks Spanish', async () => {
    const { browser } = await lrs.signedIn(tutor);
    const page = text((await browser.get('/plugins/reputation/me?lang=es').expect(200)).text);
    expect(page).toContain('Tu reputación');
    expect(page).toContain('Puntuación actual 5,00 de 5');
    expect(page).toContain('1 valoración en total, 1 reciente.');
    expect(page).toContain('Sellada hasta el');
  });

  it("shows another signed-in person someone's scores and badges, without raters or comments", async () => {
    const { browser } = await lrs.signedIn(bea);
    const page = (await browser.get(`/plugins/reputation/people/${tutorId}`).expect(200)).text;
    expect(text(page)).toContain('Reputation of Tomás Ruiz');
    expect(text(page)).toContain('Current score 5.00 of 5');
    expect(page).not.toContain('Explained matrices patiently.');
    expect(page).not.toContain('Ana García');
    expect(page).not.toContain('<form method="post" action="/plugins/reputation/ratings');
  });

  it("files a reply and an appeal through the page's forms; ratee and rater then read each step of the appeal and the moderator's reason", async () => {
    const { browser } = await lrs.signedIn(tutor);
    const page = (await browser.get('/plugins/reputation/me').expect(200)).text;
    const before = page.slice(0, page.indexOf('Explained matrices patiently.'));
    const ratingId = before.slice(before.lastIndexOf('<article id="rating-')).slice('<article id="rating-'.length, '<article id="rating-'.length + 36);
    const [replies, appeals] = [`/plugins/reputation/ratings/${ratingId}/replies`, `/plugins/reputation/ratings/${ratingId}/appeals`];
    expect(page).toContain(`action="${appeals}"`);
    const form = { _csrf: csrfFieldOf(page) };
    await browser.post(replies).type('form').send({ ...form, text: 'Thank you, Ana!' }).expect(303).expect('Location', '/plugins/reputation/me');
    await browser.post(appeals).type('form').send({ ...form, grounds: 'factual-error', reason: 'I was on time every week.' }).expect(303);
    await lrs.delivered();
    const { appeals: open } = (await request(lrs.lrs.app).get('/plugins/reputation/api/appeals').set('Authorization', lrs.admin).expect(200)).body;
    const appealId = open.find(({ appeal }: { appeal: { reason: string } }) => appeal.reason === 'I was on time every week.').appeal.id;
    const moderate = (action: string, body: object) => request(lrs.lrs.app).post(`/plugins/reputation/api/appeals/${appealId}/${action}`).set('Authorization', lrs.admin).send(body).expect(200);
    await moderate('review', {});
    await moderate('reject', { reason: 'The rating is about teaching, not punctuality.' });
    await lrs.delivered();

    const ratee = text((await browser.get('/plugins/reputation/me').expect(200)).text);
    expect(ratee).toContain('Thank you, Ana!');
    expect(ratee).toMatch(/About a rating of 5 in .* Grounds: Factual error — I was on time every week\. Filed on .* Under review .* Rejected: the rating stands .*Moderator's reason: The rating is about teaching, not punctuality\./);
    const rater = text((await (await lrs.signedIn(ana)).browser.get('/plugins/reputation/me?lang=es').expect(200)).text);
    expect(rater).toMatch(/Motivo: Error de hecho — I was on time every week\. Presentada el .* Desestimada: la valoración se mantiene .*Motivo del moderador: The rating is about teaching, not punctuality\./);
  });

  it('shows the badges a person earned, on their page, on others\' view of them and on their passport learning profile', async () => {
    const popular = person('Popular Peer');
    const peers = Array.from({ length: 10 }, (_, i) => person(`Peer ${i}`));
    const workshop = newSession();
    await lrs.store(attended(workshop, popular, ...peers));
    await lrs.store(peers.map((peer) => rated(peer, popular, workshop, { score: 5 })));
    const { browser, personId } = await lrs.signedIn(popular);
    expect(text((await browser.get('/plugins/reputation/me').expect(200)).text)).toContain('Trusted : A current score of 4.5 or more from at least 10 recent ratings.');
    expect(text((await browser.get('/plugins/passport/analytics?lang=es').expect(200)).text)).toContain('Insignias: De confianza.');
    const { browser: other } = await lrs.signedIn(peers[0]!);
    expect(text((await other.get(`/plugins/reputation/people/${personId}`).expect(200)).text)).toContain('10 ratings in all, 10 recent. Badges Trusted');
  });

  it('answers 404 for an unknown person, 400 for an id that is no UUID or a repeated parameter, and sends strangers to sign in', async () => {
    const { browser } = await lrs.signedIn(ana);
    const unknown = await browser.get(`/plugins/reputation/people/${randomUUID()}`).set('Accept', 'text/html').expect(404);
    expect(unknown.text).toContain('Page not found');
    await browser.get('/plugins/reputation/people/not-a-uuid').set('Accept', 'text/html').expect(400);
    await browser.get('/plugins/reputation/me?received=a&received=b').set('Accept', 'text/html').expect(400);
    await browser.get(`/plugins/reputation/me?given=${'x'.repeat(201)}`).set('Accept', 'text/html').expect(400);
    const stranger = await request(lrs.lrs.app).get('/plugins/reputation/me').set('Accept', 'text/html').expect(303);
    expect(stranger.headers.location).toMatch(/^\/sign-in\?return=/);
  });

  it('offers the reputation in the navigation and on the passport learning profile', async () => {
    const { browser } = await lrs.signedIn(tutor);
    const profile = (await browser.get('/plugins/passport/analytics').expect(200)).text;
    expect(profile).toContain('<a href="/plugins/reputation/me">Reputation</a>');
    expect(text(profile)).toContain('Current score: 5.00. Historical score: 5.00. From 1 rating.');
    expect(profile).toContain('See your reputation');
  });
});

describe("the passport's learning profile without the reputation plugin", () => {
  it('shows no reputation and no link to it', async () => {
    const lrs = await InstitutionsLrs.start({}, loadPlugins('all', {}).filter(({ plugin }) => plugin.manifest.name !== 'reputation'));
    try {
      const { browser } = await lrs.signedIn(person('Ana García'));
      const profile = (await browser.get('/plugins/passport/analytics').expect(200)).text;
      expect(profile).toContain('Your learning profile');
      expect(profile).not.toContain('/plugins/reputation/');
    } finally {
      await lrs.close();
    }
  });
});
