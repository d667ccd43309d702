/**
 * Crash safety of the close (issue 14: "a decision never changes"; "every step idempotent: a crash
 * anywhere and a rerun gives the same decision"; "anyone can recount from the published ballot
 * set"), with a real LRS in a child process on SQLite killed with SIGKILL while its close job
 * (GOVERNANCE_CLOSE_CRON every second) decides a proposal of sealed ballots: as soon as the first
 * ballot-revealed statement is stored, as soon as the decision statement is, or at a random moment
 * of the close job's run. Restarted on the same data directory, the LRS must finish the close with
 * exactly one decision statement, every sealed ballot revealed once, the decision equal to the
 * recount of the published ballot set and to the tally of the ballots the voters were acknowledged,
 * and every counted voter's inclusion proof verifying (verdict.contract.ts). Ballots on another, open
 * proposal cut off by the kill are sent again after the restart: each succeeds at once, and every
 * ballot acknowledged before the kill is still there.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { basicAuth } from '../../../../test-support/app';
import { startChildLrs } from '../../../../test-support/child-lrs';
import { FOUNDING, newSlug } from '../../../../test-support/governance';
import { freePort } from '../../../../test-support/net';
import pino from 'pino';
import { dropTestDatabase, testDatabase, type TestDatabase } from '../../../../test-support/database';
import type { StorageBackend } from '../../../storage/backend';
import { MongoBackend } from '../../../storage/mongo-backend';
import { SqliteBackend } from '../../../storage/sqlite-backend';
import type { Mechanism, VotingRules } from '../model';
import { ProposalStatements } from '../proposals/statements';
import { actingFor, ADMINISTER, fetchTransport, GovernanceClient, PARTICIPATE, type Party, type Reply } from './client.contract';
import { ballotBody } from './scenario.contract';
import { checkClosedProposal, type AcceptedBallot, type Observed } from './verdict.contract';

const ADMIN = { key: 'governance-crash-admin', secret: 'governance-crash-admin-secret' };
const ADMIN_AUTHORIZATION = basicAuth(ADMIN.key, ADMIN.secret);
type Kill = 'first reveal stored' | 'decision stored' | 'random moment';
/**
 * Per engine: voters (the last `delegators` of them delegate to the first ones instead of voting),
 * the first voting window (later ones: three times the voting the iteration before took, plus 2 s),
 * where each iteration kills the LRS, and within how long a ballot sent again after the restart is
 * answered: 201 at the first attempt, but the answer waits (at most 2 s, PluginStatements.record's
 * `applied`) for the plugin's onEvents, which resumes only when the dead process's event-delivery
 * lease (15 s) lapses. FerretDB v1 scans a collection for every read, so it gets fewer voters, a
 * longer window, fewer iterations and more time for a retry. GOVERNANCE_CRASH_ENGINES
 * (comma-separated, default sqlite) chooses the engines.
 */
const SCENARIOS = [
  { engine: 'sqlite' as const, voters: 120, delegators: 10, windowMs: 15_000, retryWithinMs: 5_000, kills: ['first reveal stored', 'decision stored', 'random moment', 'first reveal stored', 'random moment'] as Kill[] },
  { engine: 'mongodb' as const, voters: 24, delegators: 4, windowMs: 30_000, retryWithinMs: 10_000, kills: ['decision stored', 'random moment', 'first reveal stored'] as Kill[] },
];
const MECHANISMS: Mechanism[] = ['simple-majority', 'instant-runoff', 'approval', 'score', 'consensus', 'supermajority'];
const RULES: Partial<Record<Mechanism, object>> = {
  supermajority: { threshold: 0.66 },
  approval: { choices: ['a', 'b', 'c', 'abstain'] },
  'instant-runoff': { choices: ['a', 'b', 'c', 'd'] },
  score: { choices: ['a', 'b', 'c'], scoreRange: { min: 0, max: 5 } },
};

jest.setTimeout(600_000);

/** An LRS with every plugin in a child process on a SQLite data directory or a MongoDB database, killed and started again on it. */
class ChildLrs {
  child?: ChildProcess;
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly mongo: TestDatabase | undefined,
  ) {}

  static async start(engine: 'sqlite' | 'mongodb'): Promise<ChildLrs> {
    const lrs = new ChildLrs(await freePort(), await mkdtemp(path.join(os.tmpdir(), 'keiko-governance-crash-')), engine === 'mongodb' ? testDatabase() : undefined);
    await lrs.restart();
    return lrs;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.child = await startChildLrs('src/main.ts', {
      PORT: String(this.port),
      PUBLIC_URL: this.url,
      DATA_DIR: this.dataDir,
      PLUGINS: 'all',
      LRS_ADMIN_KEY: ADMIN.key,
      LRS_ADMIN_SECRET: ADMIN.secret,
      GOVERNANCE_CLOSE_CRON: '* * * * * *',
      GOVERNANCE_CLOSE_GRACE_SECONDS: '0',
      ...(this.mongo && { MONGODB_URI: this.mongo.uri, MONGODB_DB: this.mongo.dbName }),
    });
  }

  /** Its storage, opened by the test while the LRS is down (without preparing it: read as the dead process left it). */
  async storage(): Promise<StorageBackend> {
    const authorityHomePage = `${this.url}/`;
    return this.mongo
      ? MongoBackend.open({ uri: this.mongo.uri, dbName: this.mongo.dbName, authorityHomePage, logger: pino({ level: 'silent' }) })
      : SqliteBackend.open({ dataDir: this.dataDir, exclusive: false, authorityHomePage });
  }

  /** SIGKILL to its process group: it gets no chance to finish anything. */
  async kill(): Promise<void> {
    const { child } = this;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    await rm(this.dataDir, { recursive: true, force: true });
    if (this.mongo) await dropTestDatabase(this.mongo).catch(() => undefined);
  }
}

const ENGINES = (process.env.GOVERNANCE_CRASH_ENGINES ?? 'sqlite').split(',');

describe.each(SCENARIOS.filter(({ engine }) => ENGINES.includes(engine)))('the close of sealed ballots under SIGKILL, on $engine, in a child process', ({ engine, voters: VOTERS, delegators: DELEGATORS, windowMs: WINDOW_MS, retryWithinMs: RETRY_WITHIN_MS, kills: KILLS }) => {
  let lrs: ChildLrs;
  let client: GovernanceClient;
  let founder: Party;
  let voters: Party[];
  let slug: string;
  const figures: Array<Record<string, unknown>> = [];
  /** How long after closesAt the reveals and the decision were stored, in the last close no kill interrupted. */
  let closeTiming: { revealedAfterMs: number; decidedAfterMs: number } | undefined;
  let windowMs = WINDOW_MS;

  beforeAll(async () => {
    lrs = await ChildLrs.start(engine);
    client = new GovernanceClient(fetchTransport(lrs.url), ADMIN_AUTHORIZATION, async (scopes, name) => {
      const reply = await fetchTransport(lrs.url)('post', '/admin/credentials', ADMIN_AUTHORIZATION, { name, scopes });
      expect(reply.status).toBe(201);
      return basicAuth(reply.body.key, reply.body.secret);
    });
    founder = await client.party('Founder', [ADMINISTER, PARTICIPATE]);
    slug = newSlug('crash');
    expect((await client.call(founder, 'post', '/communities', { slug, ...FOUNDING })).status).toBe(201);
    // One credential acts for every voter (as an LMS acting for its learners would).
    const shared = await client.party('Voters', [PARTICIPATE]);
    voters = Array.from({ length: VOTERS }, (_, index) => actingFor(`Voter ${index + 1}`, shared.auth));
    for (const voter of voters) expect((await client.call(voter, 'put', `/communities/${slug}/membership`)).status).toBe(200);
    for (let index = 0; index < DELEGATORS; index++) {
      const delegated = await client.call(voters[VOTERS - 1 - index]!, 'post', `/communities/${slug}/delegations`, { delegate: voters[index]!.agent });
      expect([delegated.status, delegated.body.code]).toEqual([201, undefined]);
    }
  });
  afterAll(async () => {
    console.log(`governance crash figures on ${engine}: ${JSON.stringify(figures)}`);
    await lrs?.dispose();
  });

  async function submit(mechanism: Mechanism, closesInMs: number): Promise<{ id: string; registration: string; kind: 'standard'; rules: VotingRules }> {
    const rules = { mechanism, quorum: 0.5, threshold: 0.5, ballotPrivacy: 'commitment', closesAt: new Date(Date.now() + closesInMs).toISOString(), ...RULES[mechanism] };
    const reply = await client.call(founder, 'post', `/communities/${slug}/proposals`, { title: { en: `Crash ${mechanism}`, es: `Caída ${mechanism}` }, kind: 'standard', rules });
    expect([reply.status, reply.body.code, reply.body.message]).toEqual([201, undefined, undefined]);
    return reply.body;
  }

  /**
   * Each voter but the delegators votes, then a quarter of them again once every first ballot is
   * acknowledged (so that which is the last is never in doubt), sixteen at a time; the ballots acknowledged.
   */
  async function vote(proposal: { id: string; rules: VotingRules }): Promise<AcceptedBallot[]> {
    const direct = voters.slice(0, VOTERS - DELEGATORS);
    const accepted: AcceptedBallot[] = [];
    for (const round of [direct, direct.filter((_, index) => index % 4 === 0)]) accepted.push(...(await castRound(proposal, round)));
    return accepted;
  }

  async function castRound(proposal: { id: string; rules: VotingRules }, casts: Party[]): Promise<AcceptedBallot[]> {
    const accepted: AcceptedBallot[] = [];
    for (let start = 0; start < casts.length; start += 16) {
      const batch = casts.slice(start, start + 16);
      const replies = await Promise.all(batch.map((voter) => client.call(voter, 'post', `/proposals/${proposal.id}/ballots`, ballotBody(proposal.rules, 'valid', randomPicks()))));
      replies.forEach((reply, index) => {
        expect([reply.status, reply.body.code]).toEqual([201, undefined]);
        accepted.push(acceptedBallot(batch[index]!, reply));
      });
    }
    return accepted;
  }

  /** Polls until `seen` (every 5 ms, at most 20 s after closesAt); false when it never was. */
  async function waitFor(seen: () => Promise<boolean>, closesAt: string): Promise<boolean> {
    const deadline = Date.parse(closesAt) + 20_000;
    while (Date.now() < deadline) {
      if (await seen()) return true;
      await pause(5);
    }
    return false;
  }

  /**
   * Returns when the LRS is to be killed: once the statement `kill` names is stored (the reveals are
   * recorded in one batch, so one of them stands for all), or at a random moment between when an
   * earlier close stored its reveals and its decision (else of the first 400 ms of the close job's
   * first run after closesAt: it runs at every whole second). False when the statement never came.
   */
  async function killWhen(kill: Kill, proposal: { id: string; rules: VotingRules }, firstSealed: AcceptedBallot): Promise<boolean> {
    if (kill === 'random moment') {
      const closesAtMs = Date.parse(proposal.rules.closesAt);
      const [from, to] = closeTiming ? [closesAtMs + closeTiming.revealedAfterMs - 20, closesAtMs + closeTiming.decidedAfterMs] : [Math.ceil(closesAtMs / 1000) * 1000, Math.ceil(closesAtMs / 1000) * 1000 + 400];
      await pause(from - Date.now() + Math.random() * (to - from));
      return true;
    }
    const awaited = kill === 'decision stored' ? ProposalStatements.decisionId(proposal.id) : ProposalStatements.revealId(firstSealed.statementId);
    return waitFor(async () => (await fetchTransport(lrs.url)('get', `/xapi/statements?statementId=${awaited}`, ADMIN_AUTHORIZATION)).status === 200, proposal.rules.closesAt);
  }

  it.each(KILLS.map((kill, index) => ({ kill, mechanism: MECHANISMS[index % MECHANISMS.length]! })))(
    'killed ($kill) while deciding a $mechanism proposal of sealed ballots, the LRS restarted decides once: one decision statement, each sealed ballot revealed once, the decision = the recount of the published set, no acknowledged ballot lost; a ballot cut off by the kill succeeds at once when sent again',
    async ({ kill, mechanism }) => {
      const other = await submit('simple-majority', 10 * 60_000); // stays open through the crash
      const proposal = await submit(mechanism, windowMs);
      const votingStarted = Date.now();
      const accepted = await vote(proposal);
      windowMs = Math.max(5_000, 3 * (Date.now() - votingStarted) + 2_000);
      expect(Date.now()).toBeLessThan(Date.parse(proposal.rules.closesAt));

      const triggered = await killWhen(kill, proposal, accepted[0]!);
      // Ballots on the open proposal in flight while the LRS dies.
      const inFlight = voters.slice(0, 10).map((voter) => ({ voter, body: { choice: Math.random() < 0.5 ? 'yes' : 'no' } }));
      const cut = inFlight.map(({ voter, body }) => client.call(voter, 'post', `/proposals/${other.id}/ballots`, body).catch(() => undefined));
      await pause(Math.random() * 40); // some are acknowledged before the kill, some cut off
      const killedAt = Date.now();
      await lrs.kill();
      const answers = await Promise.all(cut);
      const state = await stateAtKill(proposal.id, accepted);
      if (state.decidedAtKill) closeTiming = await timingOf(proposal, accepted[0]!);

      await lrs.restart();
      const restartedMs = Date.now() - killedAt;
      const retries: number[] = [];
      const shownAfter: number[] = [];
      for (const [index, { voter, body }] of inFlight.entries()) {
        const answer = answers[index];
        if (answer?.status === 201) {
          expect((await client.statement(answer.body.statementId))?.id).toBe(answer.body.statementId); // acknowledged, kept
          continue;
        }
        const sentAt = Date.now();
        const retried = await client.call(voter, 'post', `/proposals/${other.id}/ballots`, body);
        retries.push(Date.now() - sentAt);
        // Accepted at the first attempt: a retry waits for nothing the dead process held.
        expect([retried.status, retried.body.code]).toEqual([201, undefined]);
        expect(retries.at(-1)).toBeLessThan(RETRY_WITHIN_MS);
        shownAfter.push(await shownWithin(voter, other.id, retried.body.statementId, sentAt));
      }

      const closedWithinMs = await closedWithin(proposal.id, killedAt);
      const observed: Observed = { ...proposal, proposalId: proposal.id, eligible: [founder, ...voters], accepted, delegations: voters.slice(VOTERS - DELEGATORS).map((delegator, index) => ({ delegator: delegator.key, delegate: voters[DELEGATORS - 1 - index]!.key })) };
      await checkClosedProposal(client, founder, observed);
      expect(client.serverErrors()).toEqual([]);
      figures.push({ kill, triggered, mechanism, closeTiming, sealedBallots: accepted.length, ...state, ackedInFlight: answers.filter((answer) => answer?.status === 201).length, retries, shownAfter, restartedMs, closedWithinMsOfKill: closedWithinMs });
    },
  );

  /** What the dead LRS had stored of the close: reveals and decision, read from its storage before the restart. */
  async function stateAtKill(proposalId: string, sealed: AcceptedBallot[]): Promise<{ revealedAtKill: number; decidedAtKill: boolean }> {
    const backend = await lrs.storage();
    try {
      const reveals = await Promise.all(sealed.map(({ statementId }) => backend.statements.getById(ProposalStatements.revealId(statementId))));
      const decision = await backend.statements.getById(ProposalStatements.decisionId(proposalId));
      return { revealedAtKill: reveals.filter((reveal) => reveal !== undefined).length, decidedAtKill: decision !== undefined };
    } finally {
      await backend.close();
    }
  }

  /** How long after closesAt a close that ran whole stored the reveals and the decision (their `stored`, read while the LRS is down). */
  async function timingOf(proposal: { id: string; rules: VotingRules }, firstSealed: AcceptedBallot) {
    const backend = await lrs.storage();
    try {
      const storedMs = async (id: string) => (await backend.statements.getById(id))!.stored.getTime() - Date.parse(proposal.rules.closesAt);
      return { revealedAfterMs: await storedMs(ProposalStatements.revealId(firstSealed.statementId)), decidedAfterMs: await storedMs(ProposalStatements.decisionId(proposal.id)) };
    } finally {
      await backend.close();
    }
  }

  /** Waits until GET /proposals/:id/ballot shows the voter's ballot (at most 10 s); how long after `since`. */
  async function shownWithin(voter: Party, proposalId: string, statementId: string, since: number): Promise<number> {
    let mine: Reply | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      mine = await client.call(voter, 'get', `/proposals/${proposalId}/ballot`);
      if (mine.body?.statementId === statementId) return Date.now() - since;
      await pause(50);
    }
    throw new Error(`GET /proposals/${proposalId}/ballot did not show ${statementId} within 10 s: ${mine?.status} ${JSON.stringify(mine?.body)}`);
  }

  /** Waits until the proposal is closed (at most 30 s); how long after the kill. */
  async function closedWithin(proposalId: string, killedAt: number): Promise<number> {
    for (let attempt = 0; attempt < 300; attempt++) {
      const reply = await client.call(founder, 'get', `/proposals/${proposalId}`);
      if (reply.body.state === 'closed') return Date.now() - killedAt;
      await pause(100);
    }
    throw new Error(`proposal ${proposalId} was not closed within 30 s of the restart`);
  }
});

function acceptedBallot(voter: Party, reply: Reply): AcceptedBallot {
  const { statementId, kind, response, stored, commitment, salt } = reply.body;
  return { voter: voter.key, statementId, kind, response, stored, commitment, salt };
}

function randomPicks(): number[] {
  return Array.from({ length: 6 }, () => Math.floor(Math.random() * 1000));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
