/**
 * The console's statement browser, events and profile pages over HTTP, signed in to the console
 * as an operator would be (a credential holding `admin`).
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../test-support/app';
import { TEST_ENGINES } from '../../test-support/backends';
import { fragilePlugin, idOf, storeEach } from '../../test-support/console-pages';
import { decodeHtml as decode, signedInToConsole as signedIn, type ConsoleAgent as Agent } from '../../test-support/console-session';
import { csrfFieldOf } from '../../test-support/people';
import { KEIKO_PROFILE_FILES } from '../profiles/built-in';
import { compileProfile } from '../profiles/engine';

/** Statement ids of the result rows, in the page's order. */
function listedIds(html: string): string[] {
  return [...html.matchAll(/<td><a href="\/console\/statements\/([0-9a-f-]{36})">/g)].map((match) => match[1]!);
}

/** The text of each cell of each body row of the page's tables. */
function rowsOf(html: string): string[][] {
  const bodies = [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].map((match) => match[1]!);
  return bodies.flatMap((body) =>
    [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => decode(cell[1]!.replace(/<[^>]+>/g, '')))),
  );
}

function moreLinkOf(html: string): string | undefined {
  const match = /<a class="button" href="([^"]+)" rel="next">/.exec(html);
  return match === null ? undefined : decode(match[1]!);
}

const ANA = { objectType: 'Agent', name: 'Ana', mbox: 'mailto:ana@example.org' };
const BEN = { objectType: 'Agent', account: { homePage: 'https://school.example', name: 'ben' } };
const COMPLETED = { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed', es: 'completó' } };
const ATTEMPTED = { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'en-US': 'attempted' } };
const ALGEBRA = { id: 'http://example.org/algebra', definition: { name: { 'en-US': 'Algebra', es: 'Álgebra' } } };

const DATASET = [
  { id: idOf(1), actor: ANA, verb: COMPLETED, object: ALGEBRA },
  { id: idOf(2), actor: BEN, verb: ATTEMPTED, object: ALGEBRA },
  { id: idOf(3), actor: ANA, verb: ATTEMPTED, object: { id: 'http://example.org/geometry' } },
  { id: idOf(4), actor: ANA, verb: COMPLETED, object: { id: 'http://example.org/geometry' } },
  { id: idOf(5), actor: BEN, verb: COMPLETED, object: ALGEBRA },
];

describe.each(TEST_ENGINES)('the console statement browser on %s', (engine) => {
  let lrs: TestLrs;
  let browser: Agent;
  const engineBefore = process.env.KEIKO_TEST_ENGINE;

  beforeAll(async () => {
    process.env.KEIKO_TEST_ENGINE = engine;
    lrs = await createTestLrs();
    await storeEach(lrs.app, lrs.auth, DATASET);
    browser = await signedIn(lrs);
  });
  afterAll(async () => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
    await lrs?.close();
  });

  it('sends a visitor without a console session to sign in', async () => {
    const response = await request(lrs.app).get('/console/statements?verb=http%3A%2F%2Fexample.org%2Fv');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Fstatements%3Fverb%3Dhttp%253A%252F%252Fexample.org%252Fv');
  });

  it('lists every statement, newest first, with stored time, actor, verb, object and authority', async () => {
    const response = await browser.get('/console/statements').expect(200);
    expect(listedIds(response.text)).toEqual([5, 4, 3, 2, 1].map(idOf));
    expect(response.text).toContain('<td>Ana</td>');
    expect(response.text).toContain('<td>ben (https://school.example)</td>');
    expect(response.text).toContain('<td>completed</td>');
    expect(response.text).toContain('<td>Algebra</td>');
    expect(response.text).toContain('<td>http://example.org/geometry</td>');
    expect(response.text).toContain('<td>test admin</td>'); // the authority: the credential that stored them
    expect(response.text).toContain('5 statements on this page');
    expect(response.text).toContain('<details><summary id="filters-title">Filters</summary>'); // folded: no filter is in use
  });

  it('filters by agent and verb, keeping the filters in the form', async () => {
    const query = new URLSearchParams({ agent: JSON.stringify({ mbox: 'mailto:ana@example.org' }), verb: COMPLETED.id });
    const response = await browser.get(`/console/statements?${query}`).expect(200);
    expect(listedIds(response.text)).toEqual([idOf(4), idOf(1)]);
    expect(response.text).toContain('value="{&quot;mbox&quot;:&quot;mailto:ana@example.org&quot;}"');
    expect(response.text).toContain(`value="${COMPLETED.id}"`);
    expect(response.text).toContain('<details open><summary id="filters-title">');
  });

  it('filters by activity, since, and shows the oldest first with ascending', async () => {
    const stored = await storedTimeOf(lrs, idOf(2));
    const query = new URLSearchParams({ activity: ALGEBRA.id, since: stored, ascending: 'true' });
    const response = await browser.get(`/console/statements?${query}`).expect(200);
    expect(listedIds(response.text)).toEqual([idOf(5)]);
    const ascending = await browser.get(`/console/statements?${new URLSearchParams({ activity: ALGEBRA.id, ascending: 'true' })}`).expect(200);
    expect(listedIds(ascending.text)).toEqual([1, 2, 5].map(idOf));
    expect(ascending.text).toMatch(/<input name="ascending" type="checkbox" value="true" checked/);
  });

  it('pages with limit and a `more` link that keeps the filters in the URL', async () => {
    const first = await browser.get(`/console/statements?${new URLSearchParams({ agent: JSON.stringify(ANA), limit: '2' })}`).expect(200);
    expect(listedIds(first.text)).toEqual([idOf(4), idOf(3)]);
    const more = moreLinkOf(first.text)!;
    const url = new URL(more, 'http://lrs.test');
    expect(url.pathname).toBe('/console/statements');
    expect(url.searchParams.get('agent')).toBe(JSON.stringify(ANA));
    expect(url.searchParams.get('limit')).toBe('2');
    expect(url.searchParams.get('more')).toEqual(expect.any(String));

    const second = await browser.get(more).expect(200);
    expect(listedIds(second.text)).toEqual([idOf(1)]);
    expect(second.text).toContain('value="2"'); // the form still shows the page's filters
    expect(moreLinkOf(second.text)).toBeUndefined();
  });

  it('shows the form again with the 400 message for a filter xAPI refuses, and lists nothing', async () => {
    const badJson = await browser.get(`/console/statements?${new URLSearchParams({ agent: '{mbox: ana}' })}`);
    expect(badJson.status).toBe(400);
    expect(decode(badJson.text)).toContain('These filters cannot be used: agent must be an Agent object in JSON');
    expect(badJson.text).toContain('value="{mbox: ana}"');
    expect(listedIds(badJson.text)).toEqual([]);

    const twoIfis = await browser.get(`/console/statements?${new URLSearchParams({ agent: JSON.stringify({ mbox: 'mailto:a@example.org', openid: 'http://a.example' }) })}`);
    expect(twoIfis.status).toBe(400);
    expect(twoIfis.text).toContain('role="alert"');

    for (const [name, value] of [['since', 'yesterday'], ['verb', 'not an iri'], ['limit', '-1'], ['ascending', 'maybe'], ['more', 'bogus']]) {
      const response = await browser.get(`/console/statements?${new URLSearchParams({ [name]: value })}`);
      expect({ name, status: response.status, form: response.text.includes('<form method="get" action="/console/statements"') }).toEqual({ name, status: 400, form: true });
    }
  });

  it('ignores empty fields of the form and the language parameter', async () => {
    const response = await browser.get('/console/statements?agent=&verb=&since=&limit=&lang=es').expect(200);
    expect(listedIds(response.text)).toHaveLength(5);
    expect(response.text).toContain('<html lang="es">');
    expect(response.text).toContain('5 sentencias en esta página');
    await browser.get('/console/statements?lang=en').expect(200); // the language is remembered: back to English
  });

  it('shows a statement as stored, pretty-printed, and whether it is voided', async () => {
    const page = await browser.get(`/console/statements/${idOf(3)}`).expect(200);
    const xapi = await request(lrs.app).get(`/xapi/statements?statementId=${idOf(3)}`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(200);
    const pre = /<pre>([\s\S]*?)<\/pre>/.exec(page.text)![1]!;
    expect(JSON.parse(decode(pre))).toEqual(xapi.body);
    expect(decode(pre)).toContain('\n  "actor": {');
    expect(page.text).toMatch(/<dt>Voided<\/dt><dd>No<\/dd>/);

    const voiding = { actor: ANA, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: idOf(2) } };
    await storeEach(lrs.app, lrs.auth, [{ ...voiding, id: idOf(6) }]);
    const voided = await browser.get(`/console/statements/${idOf(2)}`).expect(200);
    expect(voided.text).toMatch(/<dt>Voided<\/dt><dd>Yes<\/dd>/);
    expect(voided.text).toContain(`&quot;id&quot;: &quot;${idOf(2)}&quot;`);
  });

  it('answers 404 for a statement that is not stored and 400 for an id that is not a UUID', async () => {
    const missing = await browser.get(`/console/statements/${idOf(99)}`);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('<h1>Page not found</h1>');
    const bad = await browser.get('/console/statements/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('statementId must be a UUID');
  });
});

async function storedTimeOf(lrs: TestLrs, id: string): Promise<string> {
  const response = await request(lrs.app).get(`/xapi/statements?statementId=${id}`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(200);
  return response.body.stored as string;
}

describe('the console events page', () => {
  let lrs: TestLrs;
  let browser: Agent;
  let healed = false;
  const poison = idOf(42);
  const fragile = fragilePlugin(poison, () => !healed);

  beforeAll(async () => {
    lrs = await createTestLrs({}, [fragile]);
    await storeEach(lrs.app, lrs.auth, [{ ...DATASET[0], id: idOf(41) }, { ...DATASET[1], id: poison }]);
    await lrs.services.events.rebuild('fragile'); // delivers up to the head: the poison is retried, then parked
    browser = await signedIn(lrs);
  });
  afterAll(() => lrs?.close());

  async function replay(eventId: string, csrf: string) {
    return browser.post(`/console/events/parked/${encodeURIComponent(eventId)}/replay`).type('form').send({ _csrf: csrf });
  }

  it('shows each subscriber’s checkpoint, lag and parked count, and the parked event with its error', async () => {
    const page = await browser.get('/console/events').expect(200);
    expect(page.text).toContain('The statement feed is at position 2.');
    expect(page.text).toMatch(/<th scope="row">fragile<\/th><td class="number">2<\/td><td class="number">0<\/td><td class="number">1<\/td>/);
    expect(page.text).toContain(`<a href="/console/statements/${poison}">${poison}</a>`);
    expect(page.text).toContain('<td>Error: the projection refuses this statement</td>');
    expect(page.text).toContain('action="/console/events/parked/fragile.2.stored/replay"');
  });

  it('refuses a replay without a console session or without the form’s CSRF token, changing nothing', async () => {
    const signedOut = await request(lrs.app).post('/console/events/parked/fragile.2.stored/replay').type('form').send({ _csrf: 'x' });
    expect(signedOut.status).toBe(403);
    expect(signedOut.text).toContain('Sign in to the console first');
    const response = await replay('fragile.2.stored', 'not-the-token');
    expect(response.status).toBe(403);
    expect(response.text).toContain('This form has expired or did not come from this site');
    expect((await lrs.services.events.listParked('fragile', 10)).map((event) => event.attempts)).toEqual([6]);
  });

  it('replays: a failure keeps it parked with a message; once fixed it is delivered and gone from the list', async () => {
    const csrf = csrfFieldOf((await browser.get('/console/events').expect(200)).text);
    const failed = await replay('fragile.2.stored', csrf);
    expect(failed.status).toBe(303);
    expect(failed.headers.location).toBe('/console/events?replay=failed#parked-title');
    const stillParked = await browser.get('/console/events?replay=failed').expect(200);
    expect(stillParked.text).toContain('The event failed again; it stays parked with the new error.');
    expect(stillParked.text).toContain(`<a href="/console/statements/${poison}">`);

    healed = true;
    const delivered = await replay('fragile.2.stored', csrf);
    expect(delivered.headers.location).toBe('/console/events?replay=delivered#parked-title');
    const after = await browser.get('/console/events?replay=delivered').expect(200);
    expect(after.text).toContain('The event was delivered and is no longer parked.');
    expect(after.text).toContain('No event is parked.');
    expect(after.text).not.toContain(`/console/statements/${poison}`);
    expect(await lrs.services.events.listParked(undefined, 10)).toEqual([]);

    for (const unknown of ['fragile.2.stored', 'x'.repeat(600)]) {
      const again = await replay(unknown, csrf);
      expect(again.headers.location).toBe('/console/events?replay=missing#parked-title');
    }
    expect((await browser.get('/console/events?replay=missing').expect(200)).text).toContain('That event is no longer parked.');
  });

  it('is in Spanish too', async () => {
    const page = await browser.get('/console/events?lang=es').expect(200);
    expect(page.text).toContain('<h1>Eventos</h1>');
    expect(page.text).toContain('El flujo de sentencias está en la posición 2.');
  });
});

describe('the console profile pages', () => {
  let lrs: TestLrs;
  let browser: Agent;
  const keikoProfiles = KEIKO_PROFILE_FILES.map((file) => {
    const compiled = compileProfile(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!('profile' in compiled)) throw new Error(`${file} does not compile`);
    return compiled.profile;
  });

  beforeAll(async () => {
    lrs = await createTestLrs();
    browser = await signedIn(lrs);
  });
  afterAll(() => lrs?.close());

  it('lists the built-in Keiko profiles with their latest version, source, status and mode', async () => {
    const page = await browser.get('/console/profiles').expect(200);
    expect(keikoProfiles).toHaveLength(4);
    expect(rowsOf(page.text)).toEqual(
      keikoProfiles
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((profile) => [profile.prefLabel.en, profile.id, profile.versionId, '1', 'Built in', 'Active', 'Warn']),
    );
  });

  it('says an uploaded profile was uploaded, and shows its mode', async () => {
    const video = JSON.parse(fs.readFileSync(path.join(__dirname, '../profiles/published/video/video.jsonld'), 'utf8')) as { id: string };
    await request(lrs.app).post('/admin/profiles').set('Authorization', lrs.auth).send(video).expect(201);
    await request(lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.auth).send({ profile: video.id, mode: 'reject' }).expect(200);
    const page = await browser.get('/console/profiles').expect(200);
    const rows = rowsOf(page.text).map(([name, id, , , source, status, mode]) => ({ name, id, source, status, mode }));
    expect(rows).toContainEqual({ name: 'Video Profile', id: video.id, source: 'Uploaded', status: 'Active', mode: 'Reject' });
    expect(page.text).toContain(`<a href="/console/profiles/profile?id=${encodeURIComponent(video.id)}">`);
    expect(rows).toHaveLength(5);
  });

  it('shows a profile with its versions and their counts of concepts, templates and patterns', async () => {
    const profile = keikoProfiles[0]!;
    const page = await browser.get(`/console/profiles/profile?${new URLSearchParams({ id: profile.id })}`).expect(200);
    expect(page.text).toContain(`<h1>${profile.prefLabel.en}</h1>`);
    expect(page.text).toContain(`<th scope="row">${profile.versionId} (latest)</th>`);
    const counts = [profile.concepts.length, profile.templates.length, profile.patterns.length].map((n) => `<td class="number">${n}</td>`).join('');
    expect(page.text).toContain(counts);
    expect(profile.templates.length).toBeGreaterThan(0);
  });

  it('answers 404 for a profile that is not registered and 400 without an id', async () => {
    const missing = await browser.get('/console/profiles/profile?id=https%3A%2F%2Fexample.org%2Fnone');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('<h1>Page not found</h1>');
    const noId = await browser.get('/console/profiles/profile');
    expect(noId.status).toBe(400);
    expect(noId.text).toContain('Say which profile to show');
  });

  it('is in Spanish too', async () => {
    const page = await browser.get('/console/profiles?lang=es').expect(200);
    expect(page.text).toContain('<h1>Perfiles</h1>');
    expect(page.text).toContain('<td>Incluido</td><td>Activo</td><td>Avisar</td>');
  });
});
