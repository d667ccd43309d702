import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from '../../../../test-support/anchoring';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { InMemoryChain } from '../../../../test-support/in-memory-chain';
import { account, activity, mbox, PassportTestLrs, statement } from '../../../../test-support/passport';
import { createShare } from '../../../../test-support/passport-shares';
import { loadPlugins } from '../../../platform/plugins/load';
import { vcBundle } from '../credentials/vc-bundle';

/**
 * GET /plugins/passport/api/export over HTTP on the whole LRS: statements POSTed through /xapi by
 * institution credentials, the export downloaded by the person signed in through a login link.
 */
const EXPORT = '/plugins/passport/api/export';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const EARNED = 'http://id.tincanapi.com/verb/earned';
const BADGE = 'http://activitystrea.ms/schema/1.0/badge';
const EXPORT_FORMAT = 'https://w3id.org/keiko/profiles/passport/extensions/export-format';

type Archive = {
  format: string;
  person: { id: string; name: string; identities: object[] };
  privacy: object;
  shares: Array<Record<string, unknown>>;
  statements: Array<{ statement: { id: string; authority: object; stored: string }; hidden?: true; anchoring: Record<string, unknown> }>;
  statementCount: number;
  achievements: Array<{ statementId: string; hidden?: true; credential: Record<string, any> }>;
  complete: true;
};

let passport: PassportTestLrs;

beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

async function download(browser: request.Agent, query = ''): Promise<request.Response> {
  const response = await browser.get(`${EXPORT}${query}`).set('Accept', 'application/json');
  expect(response.status).toBe(200);
  return response;
}

/** The archive, parsed from the text (the whole of it must be one JSON document). */
const archiveOf = (response: request.Response) => JSON.parse(response.text) as Archive;
const statementIds = (archive: Archive) => archive.statements.map(({ statement }) => statement.id);

describe('the archive of the signed-in person', () => {
  it('holds exactly the statements about their identities, linked before or after, as stored, hidden ones marked, voided ones left out', async () => {
    const ana = await passport.signedIn();
    const ben = await passport.signedIn();
    const email = mbox();
    const [beforeLink] = await passport.store([statement(email)]);
    await passport.link(ana.personId, email);
    const [own, hidden, voided] = await passport.store([statement(ana.identity), statement(ana.identity, { object: activity('Private quiz') }), statement(ana.identity)]);
    const [asInstructor] = await passport.store([statement(account(), { context: { instructor: email } })], passport.college);
    await passport.store([statement(ben.identity), statement(account())]);
    await passport.store([statement(ana.identity, { verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: voided } })]);
    const privacy = { hiddenItems: [hidden], hiddenCategories: { kinds: [], activities: [], institutions: [] } };
    await ana.browser.put('/plugins/passport/api/privacy').set('Content-Type', 'application/json').send(JSON.stringify(privacy)).expect(200);

    const response = await download(ana.browser);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="keiko-passport-\d{4}-\d\d-\d\d\.json"$/);
    expect(response.headers['cache-control']).toBe('no-store');
    const archive = archiveOf(response);
    expect(archive).toMatchObject({ format: 'keiko-passport-export/1', lrs: expect.any(String), privacy, shares: [], achievements: [], complete: true });
    expect(archive.person).toMatchObject({ id: ana.personId, identities: expect.arrayContaining([ana.identity, email]) });
    expect(archive.person.identities).toHaveLength(2);
    expect(new Set(statementIds(archive))).toEqual(new Set([beforeLink, own, hidden, asInstructor]));
    expect(archive.statementCount).toBe(4);
    const read = await request(passport.lrs.app).get(`/xapi/statements?statementId=${own}`).set(XAPI_VERSION_HEADER).set('Authorization', passport.lrs.auth).expect(200);
    expect(archive.statements.find(({ statement }) => statement.id === own)).toEqual({ statement: read.body, anchoring: { state: 'not-anchored' } });
    expect(archive.statements.filter((item) => item.hidden).map(({ statement }) => statement.id)).toEqual([hidden]);
  });

  it('lists their shares without a token or URL', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity)]);
    const share = await createShare(browser, { items: 'all' });
    const archive = archiveOf(await download(browser));
    expect(archive.shares).toEqual([expect.objectContaining({ id: share.id, scope: 'all', itemCount: 1, expiresAt: share.expiresAt })]);
    const token = share.url.split('/').at(-1)!;
    expect(JSON.stringify(archive)).not.toContain(token);
  });

  it('records the download as a data-exported statement of the passport profile', async () => {
    const { browser, identity, personId } = await passport.signedIn();
    await download(browser);
    await download(browser, '?format=ob3');
    const found = await request(passport.lrs.app)
      .get(`/xapi/statements?verb=${encodeURIComponent('http://id.tincanapi.com/verb/downloaded')}&agent=${encodeURIComponent(JSON.stringify(identity))}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', passport.lrs.auth)
      .expect(200);
    const exported = found.body.statements as Array<Record<string, any>>;
    expect(exported.map((recorded) => recorded.context.extensions[EXPORT_FORMAT])).toEqual(['open-badges-3', 'keiko-archive']);
    expect(exported[0]).toMatchObject({
      actor: identity,
      object: { id: expect.stringMatching(new RegExp(`/plugins/passport/passports/${personId}$`)) },
      authority: { name: 'Keiko LRS', account: { name: 'plugin/passport' } },
    });
  });
});

describe('achievements', () => {
  let ana: Awaited<ReturnType<PassportTestLrs['signedIn']>>;
  let badge: string;
  let hiddenBadge: string;

  beforeAll(async () => {
    ana = await passport.signedIn();
    // Two batches, so that the private badge is the newer one (one batch shares its `stored` time, then ids decide).
    [badge] = await passport.store([
      statement(ana.identity, { verb: { id: EARNED }, object: activity('Algebra badge', BADGE, 'Solved 50 systems of equations'), result: { score: { scaled: 0.92 } } }),
    ]);
    [hiddenBadge] = await passport.store([statement(ana.identity, { verb: { id: EARNED }, object: activity('Private badge', BADGE) })]);
    await passport.store([statement(ana.identity)]);
    const privacy = { hiddenItems: [hiddenBadge], hiddenCategories: { kinds: [], activities: [], institutions: [] } };
    await ana.browser.put('/plugins/passport/api/privacy').set('Content-Type', 'application/json').send(JSON.stringify(privacy)).expect(200);
  });

  it('are in the archive as Open Badges 3.0 credentials signed by the LRS that verify, with the statement as evidence', async () => {
    const archive = archiveOf(await download(ana.browser));
    expect(archive.achievements.map(({ statementId, hidden }) => ({ statementId, hidden }))).toEqual([
      { statementId: hiddenBadge, hidden: true },
      { statementId: badge, hidden: undefined },
    ]);
    const { credential } = archive.achievements[1]!;
    expect(credential).toMatchObject({
      type: ['VerifiableCredential', 'AchievementCredential'],
      credentialSubject: { type: ['AchievementSubject'], achievement: { name: 'Algebra badge', description: 'Solved 50 systems of equations' } },
      evidence: [expect.objectContaining({ id: `urn:uuid:${badge}` })],
    });
    expect(await verifies(credential)).toBe(true);
    credential.name = 'Calculus badge';
    expect(await verifies(credential)).toBe(false);
  });

  it('are alone a JSON array of credentials with ?format=ob3', async () => {
    const response = await download(ana.browser, '?format=ob3');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="keiko-passport-badges-\d{4}-\d\d-\d\d\.json"$/);
    const credentials = JSON.parse(response.text) as Array<Record<string, any>>;
    expect(credentials.map((credential) => credential.credentialSubject.achievement.name)).toEqual(['Private badge', 'Algebra badge']);
    for (const credential of credentials) expect(await verifies(credential)).toBe(true);
  });
});

/** Whether an exported credential verifies with the LRS's DID document (fetched from the LRS) and the bundled contexts. */
async function verifies(credential: object): Promise<boolean> {
  const fetchJson = async (url: string) => (await request(passport.lrs.app).get(new URL(url).pathname).expect(200)).body as unknown;
  const { vc, suite, documentLoader } = vcBundle();
  const publicUrl = new URL((credential as { issuer: { url: string } }).issuer.url).origin;
  const result = await vc.verifyCredential({ credential, suite: suite(), documentLoader: documentLoader({ publicUrl, fetchJson }) });
  return result.verified;
}

describe('a large export', () => {
  it('streams the statements page by page as they are read, each once', async () => {
    const { browser, identity } = await passport.signedIn();
    // 500: more than two of the export's pages of 200 (storing them takes most of the test's time; docs/passport.md has 10,000).
    await passport.store(Array.from({ length: 500 }, () => statement(identity, { object: activity(`Quiz ${randomUUID()}`) })));
    const response = await download(browser);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();
    const archive = archiveOf(response);
    expect(archive.statementCount).toBe(500);
    expect(new Set(statementIds(archive)).size).toBe(500);
  }, 120_000);
});

describe('requests it refuses', () => {
  it('asks an API client without a session to sign in (401), and sends a browser to the sign-in page (303)', async () => {
    expect((await request(passport.lrs.app).get(EXPORT).set('Accept', 'application/json').expect(401)).body.code).toBe('SIGN_IN_REQUIRED');
    const browser = await request(passport.lrs.app).get(EXPORT).set('Accept', 'text/html,*/*;q=0.8').expect(303);
    expect(browser.headers.location).toBe(`/sign-in?return=${encodeURIComponent(EXPORT)}`);
  });

  it.each([
    ['?format=csv', 'INVALID_PARAMETER', /format must be archive or ob3/],
    ['?format=ob3&format=archive', 'INVALID_PARAMETER', /given once/],
    ['?since=2020', 'UNKNOWN_PARAMETER', /since/],
  ])('%s: 400 %s, recording nothing', async (query, code, message) => {
    const { browser, identity } = await passport.signedIn();
    const response = await browser.get(`${EXPORT}${query}`).set('Accept', 'application/json').expect(400);
    expect(response.body).toEqual({ code, message: expect.stringMatching(message) });
    const recorded = await request(passport.lrs.app)
      .get(`/xapi/statements?agent=${encodeURIComponent(JSON.stringify(identity))}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', passport.lrs.auth)
      .expect(200);
    expect(recorded.body.statements).toEqual([]);
  });
});

describe('the archive with anchoring on', () => {
  let anchored: PassportTestLrs;
  beforeAll(async () => {
    const env = { ...TEST_STARKNET_ENV, ANCHOR_CRON: '0 0 1 1 *' };
    const others = loadPlugins('all', env).filter(({ plugin }) => plugin.manifest.name !== 'anchoring');
    anchored = await PassportTestLrs.start(env, [...others, loadAnchoringPlugin(env, { chain: new InMemoryChain() })]);
  });
  afterAll(() => anchored?.close());

  it("holds each anchored statement's signed receipt, and the others as pending; an anchored achievement names its receipt as evidence", async () => {
    const { browser, identity } = await anchored.signedIn();
    const [early, badge] = await anchored.store([statement(identity), statement(identity, { verb: { id: EARNED }, object: activity('Anchored badge', BADGE) })]);
    const job = anchored.lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')!.jobs.find((entry) => entry.name === 'anchor')!.job;
    for (let run = 0; run < 3; run++) await job.run(); // records and sends, confirms, finds nothing more
    const [late] = await anchored.store([statement(identity)]);

    const archive = archiveOf(await download(browser));
    const anchoringOf = (id: string) => archive.statements.find(({ statement }) => statement.id === id)!.anchoring;
    const receipt = await request(anchored.lrs.app).get(`/plugins/anchoring/receipts/${early}`).set('Authorization', anchored.lrs.auth).expect(200);
    expect(anchoringOf(early)).toEqual({
      state: 'anchored',
      receiptUrl: expect.stringMatching(new RegExp(`/plugins/anchoring/receipts/${early}$`)),
      transactionHash: receipt.body.anchor.transactionHash,
      receipt: receipt.body,
    });
    expect(anchoringOf(late)).toEqual({ state: 'pending' });
    const evidence = archive.achievements.find(({ statementId }) => statementId === badge)!.credential.evidence as Array<{ id: string }>;
    expect(evidence.map(({ id }) => id)).toEqual([`urn:uuid:${badge}`, anchoringOf(badge).receiptUrl]);
  });
});
