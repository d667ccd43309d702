/**
 * The governance plugin in tests: the whole LRS over HTTP (GovernanceTestLrs) with parties that act
 * in it, and the communities' stores on their own (communitiesOnStores) for unit tests.
 *
 * Stable signatures (other helpers' tests use them):
 * - `GovernanceTestLrs.start(env?, plugins?)` / `close()` (from InstitutionsLrs).
 * - `founder(name?)` → GovernanceParty: a credential holding plugins/governance/administer and
 *   participate, acting for a new School Agent; `member(name?)` → a credential holding participate
 *   acting for a new School Agent (sent as the body's `actor` on writes, `agent` on reads).
 * - `signedInMember(identity?)` → a signed-in person; `signedInFounder(identity?)` → a signed-in
 *   person granted the role community-admin.
 * - `call(party, method, path, body?)` → supertest Response of /plugins/governance<path>.
 * - `foundCommunity(overrides?, founder?)` → the community's JSON (201 expected; a new founder and
 *   slug by default); `founderOf(slug)` → who founded it through foundCommunity.
 * - `statements(query)`, `statement(id)`, `newestStatement()`: stored statements as the administrator reads them.
 * - `join(slug, party)` → the membership (200 expected); `members(slug, count)` → that many new
 *   parties, each joined; `delegate(slug, from, to, proposalKind?)` → the delegation (201 expected).
 * - `communitiesOnStores(engine?)`: a Communities on the engine's real stores, fed statements
 *   directly (no HTTP) with the stored times the test chooses; for eligibility and delegation tests.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ifiKey, type FeedEvent, type StoredStatement } from '../src/plugin-api';
import type { AdoptedProposals, ProposalKind } from '../src/plugins/governance/model';
import { COMMUNITY_STORES, Communities } from '../src/plugins/governance/communities';
import type { Collection } from '../src/storage/collections/collection-store';
import type { StorageEngine } from '../src/storage/backend';
import { XAPI_VERSION_HEADER } from './app';
import { openTestBackend, testEngine } from './backends';
import { readOnlyStatements } from './plugin-statements';
import { InstitutionsLrs, SCHOOL } from './institutions-lrs';

export type TestAgent = { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };

/** Who acts: a credential (Basic `auth`) acting for `agent`, or a signed-in person's `browser`. */
export interface GovernanceParty {
  agent: TestAgent;
  /** ifiKey(agent): the voter key. */
  key: string;
  auth?: string;
  browser?: request.Agent;
  personId?: string;
}

export type CommunityJson = Record<string, any> & { slug: string };

export function schoolAgent(name: string): TestAgent {
  return { objectType: 'Agent', name, account: { homePage: SCHOOL, name: `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}` } };
}

/** A slug nobody has used. */
export function newSlug(prefix = 'community'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const FOUNDING = {
  name: { en: 'Madrid Mathematics Community', es: 'Comunidad de Matemáticas de Madrid' },
  description: { en: 'Teachers and learners of mathematics in Madrid.' },
};

export class GovernanceTestLrs extends InstitutionsLrs {
  private readonly founders = new Map<string, GovernanceParty>();

  /** A credential holding plugins/governance/administer and participate, acting for a new Agent. */
  founder(name = 'Founder'): Promise<GovernanceParty> {
    return this.party(name, ['plugins/governance/administer', 'plugins/governance/participate']);
  }

  /** A credential holding plugins/governance/participate, acting for a new Agent. */
  member(name = 'Member'): Promise<GovernanceParty> {
    return this.party(name, ['plugins/governance/participate']);
  }

  /** A person signed in through a login link (a new School account by default). */
  async signedInMember(identity: TestAgent = schoolAgent('Person')): Promise<GovernanceParty> {
    const { browser, personId } = await this.signedIn(identity);
    return { agent: identity, key: ifiKey(identity)!, browser, personId };
  }

  /** A signed-in person holding the role community-admin. */
  async signedInFounder(identity: TestAgent = schoolAgent('Founder')): Promise<GovernanceParty> {
    const party = await this.signedInMember(identity);
    await request(this.lrs.app).put(`/people/${party.personId}/roles/community-admin`).set('Authorization', this.admin).expect((response) => expect(response.status).toBeLessThan(300));
    return party;
  }

  /**
   * A request to /plugins/governance<path> as the party: a credential's Agent goes as `actor` of a
   * JSON body, and as the `agent` query parameter of a GET (unless the path names one).
   */
  call(party: GovernanceParty, method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object): request.Test {
    const url = `/plugins/governance${path}`;
    if (party.browser !== undefined) {
      const test = party.browser[method](url);
      return body === undefined && method === 'get' ? test : test.set('Content-Type', 'application/json').send(JSON.stringify(body ?? {}));
    }
    if (method === 'get') {
      const withAgent = /[?&]agent=/.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}agent=${encodeURIComponent(JSON.stringify(party.agent))}`;
      return request(this.lrs.app).get(withAgent).set('Authorization', party.auth!);
    }
    return request(this.lrs.app)[method](url).set('Authorization', party.auth!).send({ actor: party.agent, ...body });
  }

  /** Stored statements matching the xAPI query (newest first), as the administrator reads them. */
  async statements(query: Record<string, string>): Promise<Array<Record<string, any>>> {
    const response = await request(this.lrs.app).get('/xapi/statements').query(query).set(XAPI_VERSION_HEADER).set('Authorization', this.lrs.auth);
    expect(response.status).toBe(200);
    return response.body.statements;
  }

  /** One stored statement, undefined when there is none. */
  async statement(id: string): Promise<Record<string, any> | undefined> {
    const response = await request(this.lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', this.lrs.auth);
    return response.status === 200 ? response.body : undefined;
  }

  /** The newest stored statement's id: what "nothing stored" compares. */
  async newestStatement(): Promise<string | undefined> {
    return (await this.statements({ limit: '1', format: 'ids' }))[0]?.id;
  }

  /** Founds a community (FOUNDING and a new slug, with `overrides`) as `founder` (a new one by default), expecting 201. */
  async foundCommunity(overrides: Record<string, unknown> = {}, founder?: GovernanceParty): Promise<CommunityJson> {
    const by = founder ?? (await this.founder());
    const response = await this.call(by, 'post', '/communities', { slug: newSlug(), ...FOUNDING, ...overrides });
    expect([response.status, response.body?.code]).toEqual([201, undefined]);
    this.founders.set(response.body.slug, by);
    return response.body as CommunityJson;
  }

  /** The founder of a community founded through foundCommunity (its admin, a member). */
  founderOf(slug: string): GovernanceParty {
    const founder = this.founders.get(slug);
    if (founder === undefined) throw new Error(`community ${slug} was not founded through foundCommunity`);
    return founder;
  }

  /** The party joins the community, expecting 200; the membership. */
  async join(slug: string, party: GovernanceParty): Promise<Record<string, any>> {
    const response = await this.call(party, 'put', `/communities/${slug}/membership`);
    expect([response.status, response.body?.code]).toEqual([200, undefined]);
    return response.body;
  }

  /** `count` new members (credentials), each joined to the community. */
  async members(slug: string, count: number, name = 'Member'): Promise<GovernanceParty[]> {
    const parties: GovernanceParty[] = [];
    for (let index = 0; index < count; index += 1) {
      const party = await this.member(`${name} ${index + 1}`);
      await this.join(slug, party);
      parties.push(party);
    }
    return parties;
  }

  /** `from` delegates their vote to `to` (every kind, or one), expecting 201; the delegation. */
  async delegate(slug: string, from: GovernanceParty, to: GovernanceParty, proposalKind?: ProposalKind): Promise<Record<string, any>> {
    const response = await this.call(from, 'post', `/communities/${slug}/delegations`, { delegate: to.agent, ...(proposalKind !== undefined && { proposalKind }) });
    expect([response.status, response.body?.code]).toEqual([201, undefined]);
    return response.body;
  }

  private async party(name: string, scopes: Array<`plugins/governance/${string}`>): Promise<GovernanceParty> {
    const agent = schoolAgent(name);
    return { agent, key: ifiKey(agent)!, auth: await this.lrs.credential(scopes, `${name} credential`) };
  }
}

export const TEST_PUBLIC_URL = 'http://lrs.test';
const PLUGIN_AUTHORITY = { objectType: 'Agent', name: 'Keiko LRS', account: { homePage: TEST_PUBLIC_URL, name: 'plugin/governance' } };

/** The stored event of a statement as the governance plugin records it (its authority), at feed `position`, stored at `stored`. */
export function governanceFeedEvent(statement: object, position: number, stored: Date): FeedEvent & { type: 'stored' } {
  const id = (statement as { id: string }).id;
  const recorded = { ...statement, authority: PLUGIN_AUTHORITY, stored: stored.toISOString(), version: '1.0.3' } as unknown as StoredStatement;
  return { type: 'stored', position, statement: { id, statement: recorded, stored, voided: false, credentialKey: 'plugin', position } };
}

/**
 * A Communities on the engine's real stores, fed statements directly (`deliver`, as feed events
 * stored at the clock's time), recording nothing itself; `proposals` answers what the test put in
 * `adopted`. For unit tests of eligibility, delegation resolution and voiding without HTTP.
 */
export async function communitiesOnStores(engine: StorageEngine = testEngine()) {
  const backend = await openTestBackend(engine);
  const collections = new Map<string, Collection<any>>();
  for (const [name, declaration] of Object.entries(COMMUNITY_STORES)) collections.set(name, await backend.backend.collections.open('governance', name, declaration));
  const clock = { nowMs: Date.now() };
  const statementsById = new Map<string, StoredStatement>();
  const notRecording = readOnlyStatements('communitiesOnStores records nothing: deliver statements instead', {
    get: async (id: string) => {
      const statement = statementsById.get(id);
      return statement && { id, statement, stored: new Date(statement.stored), voided: false, credentialKey: 'plugin' };
    },
  });
  const adopted: AdoptedProposals = { proposal: async () => undefined, decisionOf: async () => undefined };
  const communities = new Communities({ store: (name) => collections.get(name)!, statements: notRecording, publicUrl: TEST_PUBLIC_URL, proposals: () => adopted, now: () => clock.nowMs });
  let position = 0;
  return {
    communities,
    clock,
    adopted,
    store: (name: string) => collections.get(name)!,
    /** Delivers the statements as stored now (the clock), in order; their ids. */
    deliver: async (...statements: object[]): Promise<string[]> => {
      const events = statements.map((statement) => governanceFeedEvent(statement, (position += 1), new Date(clock.nowMs)));
      for (const event of events) statementsById.set(event.statement.id, event.statement.statement);
      await communities.apply(events);
      return events.map((event) => event.statement.id);
    },
    voided: async (statementId: string) => {
      position += 1;
      await communities.apply([{ type: 'voided', position, statementId, voidedBy: randomUUID() }]);
    },
    dispose: () => backend.dispose(),
  };
}
