/**
 * Issue 14's goal "Hostile input … refused or ignored as the rules say, never a 5xx", for the
 * communities' routes over HTTP on both engines: random JSON bodies, actors, slugs and ids
 * (fast-check) answer a 2xx or a 4xx with a stable code, never a 5xx; a delegation cycle from any
 * member of a ring is refused.
 */
import fc from 'fast-check';
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { GovernanceParty } from '../../../../test-support/governance';
import { startCommunitiesLrs, type CommunitiesHarness } from './harness.contract';

const RUNS = 40;

/** Anything JSON: objects with the routes' own field names among random ones. */
const body = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      slug: fc.oneof(fc.string(), fc.constantFrom('abc', 'matematicas-madrid', 'a'.repeat(64), 'A-B', '../x')),
      name: fc.oneof(fc.jsonValue(), fc.record({ en: fc.string(), es: fc.jsonValue() }, { requiredKeys: [] })),
      description: fc.jsonValue(),
      delegate: fc.oneof(fc.jsonValue(), fc.record({ mbox: fc.string(), account: fc.jsonValue(), objectType: fc.constantFrom('Agent', 'Group', 'x') }, { requiredKeys: [] })),
      proposalKind: fc.oneof(fc.string(), fc.constantFrom('policy', 'rule-change')),
      actor: fc.oneof(fc.jsonValue(), fc.record({ mbox: fc.string(), objectType: fc.constant('Agent') })),
    },
    { requiredKeys: [] },
  ),
);
/** Path segments: slugs good and bad, UUIDs and not, encoded. */
const segment = fc.oneof(fc.string({ minLength: 1 }), fc.uuid(), fc.constantFrom('abc', 'x', '%', '..', 'ñandú')).map((text) => encodeURIComponent(text));

describe.each(TEST_ENGINES)('hostile input to the communities on %s', (engine) => {
  let harness: CommunitiesHarness;
  let slug: string;
  let founder: GovernanceParty;

  beforeAll(async () => {
    harness = await startCommunitiesLrs(engine);
    slug = (await harness.lrs.foundCommunity()).slug;
    founder = harness.lrs.founderOf(slug);
  });
  afterAll(() => harness.close());

  /** A 2xx, or a 4xx whose body names a code: never a 5xx. */
  function expectNoServerError(response: request.Response, what: string): void {
    const problem = response.status >= 500 || (response.status >= 400 && typeof response.body?.code !== 'string');
    if (problem) throw new Error(`${what} → ${response.status} ${response.text.slice(0, 300)}`);
  }

  it('random bodies to every write route: never a 5xx', async () => {
    const app = harness.lrs.lrs.app;
    const routes: Array<['post' | 'put' | 'delete', (s: string, id: string) => string]> = [
      ['post', () => '/communities'],
      ['put', (s) => `/communities/${s}/membership`],
      ['delete', (s) => `/communities/${s}/membership`],
      ['post', (s) => `/communities/${s}/delegations`],
      ['delete', (s, id) => `/communities/${s}/delegations/${id}`],
      ['post', (s, id) => `/communities/${s}/recognitions/${id}/signature`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, fc.oneof(fc.constant(slug), segment), segment, async ([method, path], sent, community, id) => {
        const url = `/plugins/governance${path(community, id)}`;
        const response = await request(app)[method](url).set('Authorization', founder.auth!).set('Content-Type', 'application/json').send(JSON.stringify(sent));
        expectNoServerError(response, `${method.toUpperCase()} ${url} ${JSON.stringify(sent)}`);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('random query parameters and path segments to every read route: never a 5xx', async () => {
    const app = harness.lrs.lrs.app;
    const paths = ['/communities', '/communities/{s}', '/communities/{s}/members', '/communities/{s}/delegations', '/communities/{s}/rules', '/communities/{s}/recognitions', '/recognitions'];
    const query = fc.dictionary(fc.constantFrom('after', 'limit', 'agent', 'from', 'to', 'other'), fc.oneof(fc.string(), fc.json(), fc.constantFrom('0', '1001', '-1', '10')), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(fc.constant(slug), segment), query, async (path, community, parameters) => {
        const url = `/plugins/governance${path.replace('{s}', community)}?${new URLSearchParams(parameters)}`;
        const response = await request(app).get(url).set('Authorization', founder.auth!);
        expectNoServerError(response, `GET ${url}`);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('in a ring of delegations of one topic (or general), closing it from the last member is refused', async () => {
    const ring = await harness.lrs.members(slug, 4, 'Ring');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(undefined, 'policy', 'standard'), async (topic) => {
        for (const [index, from] of ring.slice(0, 3).entries()) {
          const response = await harness.lrs.call(from, 'post', `/communities/${slug}/delegations`, { delegate: ring[index + 1]!.agent, ...(topic !== undefined && { proposalKind: topic }) });
          expect(response.status).toBeLessThan(300);
        }
        const closingResponse = await harness.lrs.call(ring[3]!, 'post', `/communities/${slug}/delegations`, { delegate: ring[0]!.agent, ...(topic !== undefined && { proposalKind: topic }) });
        expect([closingResponse.status, closingResponse.body.code]).toEqual([409, 'DELEGATION_CYCLE']);
      }),
      { numRuns: 3 },
    );
  }, 120_000);
});
