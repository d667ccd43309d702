import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { loadPlugins, type LoadedPlugin } from '../src/platform/plugins/load';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from './anchoring';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from './app';
import { InMemoryChain } from './in-memory-chain';
import { csrfFieldOf } from './people';

/**
 * The passport plugin over HTTP on the whole LRS: statements POSTed through /xapi by institution
 * credentials, delivered to the plugin by the durable event delivery, read by people signed in
 * through login links.
 */
export const SCHOOL = 'https://school.example';
export const ITEMS = '/plugins/passport/api/items';
export const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';

export type Page = { items: Array<Record<string, any>>; next?: string };

export const account = () => ({ account: { homePage: SCHOOL, name: `learner-${randomUUID()}` } });
export const mbox = () => ({ mbox: `mailto:someone-${randomUUID()}@Example.org` });
export const activity = (name: string, type = 'http://adlnet.gov/expapi/activities/assessment', description?: string) => ({
  objectType: 'Activity',
  id: `https://school.example/activities/${randomUUID()}`,
  definition: { name: { 'en-US': name }, ...(description && { description: { 'en-US': description } }), type },
});
export const statement = (actor: object, overrides: Record<string, unknown> = {}) => ({
  actor,
  verb: { id: COMPLETED, display: { 'en-US': 'completed' } },
  object: activity('Matrices quiz'),
  ...overrides,
});
export const ids = (page: Page) => page.items.map((item) => item.statementId as string);

export class PassportTestLrs {
  private constructor(
    readonly lrs: TestLrs,
    readonly admin: string,
    /** An institution credential owning SCHOOL's accounts (it makes their login links). */
    readonly school: string,
    /** A second institution, College LMS, that only writes statements. */
    readonly college: string,
  ) {}

  /** An LRS with School LMS and College LMS credentials, delivering events; `close` it after. `env` and `plugins` as createTestLrs takes them. */
  static async start(env: Record<string, string> = {}, plugins?: LoadedPlugin[]): Promise<PassportTestLrs> {
    const lrs = await createTestLrs(env, plugins);
    const admin = await lrs.credential(['admin']);
    const school = await lrs.credential(['statements/write', 'people/login-links'], 'School LMS');
    const key = Buffer.from(school.split(' ')[1]!, 'base64').toString().split(':')[0]!;
    await request(lrs.app).put(`/people/institutions/${key}`).set('Authorization', admin).send({ homePages: [SCHOOL] }).expect(200);
    const college = await lrs.credential(['statements/write'], 'College LMS');
    lrs.services.events.start();
    return new PassportTestLrs(lrs, admin, school, college);
  }

  /** The same, with the anchoring plugin on (Starknet settings, an in-memory chain, a job that never fires by itself): see anchorAll. */
  static async startWithAnchoring(): Promise<PassportTestLrs> {
    const env = { ...TEST_STARKNET_ENV, ANCHOR_CRON: '0 0 1 1 *' };
    const others = loadPlugins('all', env).filter(({ plugin }) => plugin.manifest.name !== 'anchoring');
    return PassportTestLrs.start(env, [...others, loadAnchoringPlugin(env, { chain: new InMemoryChain() })]);
  }

  /** With anchoring on: runs the anchoring job until every statement stored so far is anchored. */
  async anchorAll(): Promise<void> {
    const job = this.lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')?.jobs.find((entry) => entry.name === 'anchor')?.job;
    if (job === undefined) throw new Error('anchoring is not on: start the LRS with startWithAnchoring()');
    for (let run = 0; run < 3; run++) await job.run(); // records and sends, confirms, finds nothing more
  }

  async close(): Promise<void> {
    await this.lrs.services.events.stop();
    await this.lrs.close();
  }

  /** Stores the statements (one batch) and waits until the passport plugin has handled them. */
  async store(statements: object[], auth = this.school): Promise<string[]> {
    const response = await request(this.lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(statements);
    expect(response.status).toBe(200);
    await this.delivered();
    return response.body as string[];
  }

  async delivered(): Promise<void> {
    const { events } = this.lrs.services;
    events.notify();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const passport = (await events.status()).find((status) => status.name === 'passport');
      if (passport !== undefined && passport.lag === 0) return;
      if (Date.now() > deadline) throw new Error(`the passport plugin did not catch up: ${JSON.stringify(passport)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A browser signed in, through a login link, as the person of a school account. */
  async signedIn(identity = account()) {
    const { app } = this.lrs;
    const { url } = (await request(app).post('/people/login-links').set('Authorization', this.school).send({ agent: identity }).expect(201)).body;
    const browser = request.agent(app);
    const page = await browser.get(new URL(url).pathname).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
    const people = await request(app).get(`/people?agent=${encodeURIComponent(JSON.stringify(identity))}`).set('Authorization', this.admin).expect(200);
    return { browser, identity, personId: people.body.people[0].id as string };
  }

  async link(personId: string, identity: object): Promise<void> {
    await request(this.lrs.app).post(`/people/${personId}/identities`).set('Authorization', this.admin).send({ agent: identity }).expect(201);
  }
}

/** A page of GET /plugins/passport/api/items (expecting 200). */
export async function items(browser: request.Agent, query = ''): Promise<Page> {
  const response = await browser.get(`${ITEMS}${query}`).set('Accept', 'application/json');
  expect(response.status).toBe(200);
  return response.body as Page;
}
