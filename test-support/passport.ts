import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { loadPlugins } from '../src/platform/plugins/load';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from './anchoring';
import { InMemoryChain } from './in-memory-chain';
import { InstitutionsLrs, SCHOOL } from './institutions-lrs';

/** The passport plugin over HTTP on the whole LRS (InstitutionsLrs), with its sample statements. */
export { SCHOOL };
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

export class PassportTestLrs extends InstitutionsLrs {
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

  /** A browser signed in, through a login link, as the person of a school account (a new one by default). */
  override signedIn<I extends object = ReturnType<typeof account>>(identity: I = account() as I) {
    return super.signedIn(identity);
  }
}

/** A page of GET /plugins/passport/api/items (expecting 200). */
export async function items(browser: request.Agent, query = ''): Promise<Page> {
  const response = await browser.get(`${ITEMS}${query}`).set('Accept', 'application/json');
  expect(response.status).toBe(200);
  return response.body as Page;
}
