/**
 * Proposals and votes in tests: the whole LRS over HTTP with the proposals feature wired as the
 * governance plugin wires it (statements recorded through the real ingest with the governance
 * profile in reject mode, onEvents, the stores of the engine under test), on a small in-memory
 * community directory the tests fill (members who joined at a moment, delegations, the effects
 * carried out, a failure to inject), optionally with the anchoring plugin on an in-memory chain.
 *
 * - `startVotingLrs(engine, { anchoring?, env? })` → VotingHarness: `lrs` (InstitutionsLrs),
 *   `proposals`, `directory`, `member(name?)` (a credential holding plugins/governance/participate
 *   acting for a new School Agent, made a member of the community), `call(party, method, path, body?)`
 *   (a request to /plugins/governance<path>), `submit(party, rules?, extra?)`, `vote(party, id, body)`,
 *   `closeWhenDue(proposal)` (waits for closesAt, then runs the close job), `statementsOf(registration)`.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import request from 'supertest';
import { definePlugin, ifiKey, type PluginStatements, type StatementReceipts } from '../src/plugin-api';
import { GOVERNANCE_SCOPES, type Acting } from '../src/plugins/governance/acting';
import type { CommunityDirectory, CommunityView, Delegation, ProposalEffect, ProposalKind, VoterKey } from '../src/plugins/governance/model';
import { PROPOSAL_STORES, proposalRoutes, Proposals } from '../src/plugins/governance/proposals';
import type { StorageEngine } from '../src/storage/backend';
import { XAPI_VERSION_HEADER } from './app';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from './anchoring';
import { InMemoryChain } from './in-memory-chain';
import { InstitutionsLrs, SCHOOL } from './institutions-lrs';

export const GOVERNANCE_PROFILE = 'https://w3id.org/keiko/profiles/governance';
export const COMMUNITY = 'matematicas-madrid';
export const OTHER_COMMUNITY = 'valencia-programmers';

export type TestAgent = { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };

export interface VotingParty {
  agent: TestAgent;
  key: string;
  auth: string;
}

/** A CommunityDirectory the tests fill: members with the moment they joined, delegations, effects carried out. */
export class TestCommunities implements CommunityDirectory {
  readonly members = new Map<string, Array<{ key: VoterKey; joinedAt: string; leftAt?: string }>>();
  readonly delegations: Delegation[] = [];
  readonly carriedOut: Array<{ effect: ProposalEffect; proposalId: string; decisionStatementId: string }> = [];
  /** carryOut fails this many times before it works (a crash after the decision). */
  failCarryOut = 0;
  private position = 0;

  constructor(slugs: string[] = [COMMUNITY, OTHER_COMMUNITY]) {
    for (const slug of slugs) this.members.set(slug, []);
  }

  join(slug: string, key: VoterKey, joinedAt = new Date().toISOString()): void {
    this.members.get(slug)!.push({ key, joinedAt });
  }

  leave(slug: string, key: VoterKey, leftAt = new Date().toISOString()): void {
    for (const member of this.members.get(slug)!) if (member.key === key && member.leftAt === undefined) member.leftAt = leftAt;
  }

  delegate(slug: string, delegator: VoterKey, delegate: VoterKey, proposalKind?: ProposalKind): Delegation {
    const delegation: Delegation = { id: randomUUID(), community: slug, delegator, delegate, grantedAt: new Date().toISOString(), position: ++this.position, ...(proposalKind && { proposalKind }) };
    this.delegations.push(delegation);
    return delegation;
  }

  async community(slug: string): Promise<CommunityView | undefined> {
    if (!this.members.has(slug)) return undefined;
    return { slug, iri: `http://lrs.test/plugins/governance/communities/${slug}`, name: { en: slug } as never, description: {} as never, admins: [], foundedAt: '2026-01-01T00:00:00.000Z', members: this.members.get(slug)!.length };
  }

  async isMember(slug: string, member: VoterKey): Promise<boolean> {
    return (this.members.get(slug) ?? []).some((entry) => entry.key === member && entry.leftAt === undefined);
  }

  async eligibleAt(slug: string, opensAt: string): Promise<VoterKey[]> {
    const at = Date.parse(opensAt);
    return (this.members.get(slug) ?? []).filter(({ joinedAt, leftAt }) => Date.parse(joinedAt) < at && (leftAt === undefined || Date.parse(leftAt) >= at)).map(({ key }) => key);
  }

  async isEligible(slug: string, member: VoterKey, opensAt: string): Promise<boolean> {
    return (await this.eligibleAt(slug, opensAt)).includes(member);
  }

  async delegationsAt(slug: string, at: string): Promise<Delegation[]> {
    return this.delegations.filter((delegation) => delegation.community === slug && Date.parse(delegation.grantedAt) < Date.parse(at) && (delegation.revokedAt === undefined || Date.parse(delegation.revokedAt) >= Date.parse(at)));
  }

  async isAdmin(): Promise<boolean> {
    return false;
  }

  async carryOut(effect: ProposalEffect, proposal: { id: string }, decisionStatementId: string): Promise<void> {
    if (this.failCarryOut > 0) {
      this.failCarryOut--;
      throw new Error('carryOut failed (injected)');
    }
    if (!this.carriedOut.some((done) => done.proposalId === proposal.id)) this.carriedOut.push({ effect, proposalId: proposal.id, decisionStatementId });
  }
}

export interface VotingHarness {
  lrs: InstitutionsLrs;
  proposals: Proposals;
  directory: TestCommunities;
  chain?: InMemoryChain;
  member(name?: string, slug?: string): Promise<VotingParty>;
  /** A credential with the scope, acting for a new Agent that is no member. */
  outsider(name?: string): Promise<VotingParty>;
  call(party: VotingParty, method: 'get' | 'post', path: string, body?: object): request.Test;
  /** Submits a proposal (201 expected) in COMMUNITY, closing `closesInMs` from now; rules and fields overridable. */
  submit(party: VotingParty, rules?: Record<string, unknown>, extra?: Record<string, unknown>, closesInMs?: number): Promise<Record<string, any>>;
  vote(party: VotingParty, proposalId: string, body: object): request.Test;
  /** Waits until the proposal's closesAt has passed, then runs the close job once. */
  closeWhenDue(proposal: Record<string, any>): Promise<number>;
  /** The statements stored with the registration, oldest first. */
  statementsOf(registration: string): Promise<Array<Record<string, any>>>;
  /** While set, awaited before each batch is recorded (a slow write: stored later than the route decided). */
  beforeRecording?: () => Promise<void>;
  /** While set, recording a batch holding a statement it matches fails (a crash at that step). */
  failRecording?: (statement: Record<string, any>) => boolean;
  /** Holds onEvents back (the plugin lags behind the feed) until the returned release is called. */
  holdEvents(): () => void;
  /** The anchoring job (with `anchoring: true`). */
  anchorRun(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_CLOSE_MS = 6_000;

export async function startVotingLrs(engine: StorageEngine, options: { anchoring?: boolean; env?: Record<string, string> } = {}): Promise<VotingHarness> {
  const directory = new TestCommunities();
  let proposals: Proposals | undefined;
  let harness: VotingHarness | undefined;
  let held: Promise<void> = Promise.resolve();
  let receipts: () => StatementReceipts | undefined = () => undefined;
  const plugin = definePlugin({
    manifest: { name: 'governance', version: '0.0.1', description: 'proposals test', profiles: [], scopes: GOVERNANCE_SCOPES, stores: PROPOSAL_STORES, jobs: [], openapi: ['proposals/openapi.yaml'] },
    setup(context) {
      const store = (name: string) => context.store(name);
      receipts = () => context.service('receipts');
      const real = context.statements;
      const statements: PluginStatements = {
        get: (id) => real.get(id),
        readFeed: (after, limit) => real.readFeed(after, limit),
        feedHead: () => real.feedHead(),
        caughtUp: (timeoutMs) => real.caughtUp(timeoutMs),
        receive: (items, receiveOptions) => real.receive(items, receiveOptions),
        attachment: (sha2) => real.attachment(sha2),
        async record(batch, recordOptions) {
          const fails = harness?.failRecording;
          if (fails !== undefined && batch.some((statement) => fails(statement as Record<string, any>))) throw new Error('recording failed (injected)');
          await harness?.beforeRecording?.();
          return real.record(batch, recordOptions);
        },
      };
      proposals = new Proposals({ store, statements, publicUrl: context.publicUrl, communities: directory, receipts: () => receipts(), closeGraceMs: 0 });
      const acting: Acting = { people: context.people, http: context.http, publicUrl: context.publicUrl };
      return {
        routes: Router().use(proposalRoutes({ proposals, acting })),
        onEvents: async (events) => {
          await held;
          await proposals!.apply(events);
        },
      };
    },
  });
  const env = { ...(options.anchoring ? { ...TEST_STARKNET_ENV, ANCHOR_CRON: '0 0 1 1 *' } : {}), ...options.env };
  const chain = options.anchoring ? new InMemoryChain() : undefined;
  const plugins = [{ plugin, folder: path.resolve(__dirname, '../src/plugins/governance'), settings: undefined }, ...(chain ? [loadAnchoringPlugin(env, { chain })] : [])];
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await InstitutionsLrs.start(env, plugins).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  await request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: GOVERNANCE_PROFILE, mode: 'reject' }).expect(200);

  const outsider = async (name = 'Outsider'): Promise<VotingParty> => {
    const agent: TestAgent = { objectType: 'Agent', name, account: { homePage: SCHOOL, name: `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}` } };
    return { agent, key: ifiKey(agent)!, auth: await lrs.lrs.credential(['plugins/governance/participate'], `${name} credential`) };
  };
  const call = (party: VotingParty, method: 'get' | 'post', url: string, body?: object) => {
    const test = request(lrs.lrs.app)[method](`/plugins/governance${url}`).set('Authorization', party.auth);
    return body === undefined ? test : test.send({ actor: party.agent, ...body });
  };
  harness = {
    lrs,
    proposals: proposals!,
    directory,
    chain,
    outsider,
    async member(name = 'Member', slug = COMMUNITY) {
      const party = await outsider(name);
      directory.join(slug, party.key, new Date(Date.now() - 1000).toISOString());
      return party;
    },
    call,
    async submit(party, rules = {}, extra = {}, closesInMs = DEFAULT_CLOSE_MS) {
      const body = { title: { en: 'Adopt the new timetable', es: 'Adoptar el nuevo horario' }, kind: 'standard', rules: { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5, closesAt: new Date(Date.now() + closesInMs).toISOString(), ...rules }, ...extra };
      const response = await call(party, 'post', `/communities/${COMMUNITY}/proposals`, body);
      expect([response.status, response.body.code, response.body.message]).toEqual([201, undefined, undefined]);
      return response.body;
    },
    vote: (party, proposalId, body) => call(party, 'post', `/proposals/${proposalId}/ballots`, body),
    async closeWhenDue(proposal) {
      const wait = Date.parse(proposal.rules.closesAt) - Date.now() + 5;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return proposals!.closeDue();
    },
    async statementsOf(registration) {
      const response = await request(lrs.lrs.app).get('/xapi/statements').query({ registration, ascending: 'true', limit: 1000 }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.lrs.auth);
      expect(response.status).toBe(200);
      return response.body.statements;
    },
    holdEvents() {
      let release!: () => void;
      held = new Promise((resolve) => (release = resolve));
      return release;
    },
    async anchorRun() {
      const job = lrs.lrs.services.plugins.find((entry) => entry.name === 'anchoring')?.jobs.find((entry) => entry.name === 'anchor')?.job;
      if (job === undefined) throw new Error('anchoring is not on: startVotingLrs(engine, { anchoring: true })');
      await job.run();
    },
    close: () => lrs.close(),
  };
  return harness;
}
