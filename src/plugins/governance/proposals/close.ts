/**
 * Closing a proposal (docs/governance.md, "The close"): once closesAt + the grace has passed and
 * onEvents has applied every statement stored before, the plugin reveals the sealed ballots
 * (ballot-revealed statements), waits until they are applied, builds the tally's input from the
 * ballot log, the members eligible at opensAt and the delegations in force at closesAt, publishes
 * the ballot set, records the decision carrying its tally, turnout and Merkle root, then carries
 * out an adopted proposal's effect. Every step has a name-based id or is kept before the next, and
 * the close's moment is kept, so a run that dies anywhere and the run after it record the same
 * statements and the same decision.
 */
import type { Collection, PluginStatements } from '../../../plugin-api';
import { publishBallotSet, recount, type PublishedBallotSet } from '../ballot-set';
import type { CommunityDirectory } from '../model';
import type { BallotEntry, TallyInput, TallyResult } from '../tally';
import type { BallotSets } from './ballot-sets';
import type { CloseProgress, SealedBallot, StoredBallot, StoredProposal, StoredReveal } from './records';
import { ProposalStatements } from './statements';

/** Proposals decided in one run at most (the rest wait for the next run). */
const CLOSES_PER_RUN = 20;
/** How long a run waits for onEvents to catch up before leaving the close to the next run. */
const CAUGHT_UP_TIMEOUT_MS = 5_000;
/** Reveal statements recorded per batch. */
const REVEALS_PER_BATCH = 500;

export interface CloseDependencies {
  proposals: { stored(id: string): Promise<StoredProposal>; dueBy(closesBy: number, limit: number): Promise<string[]> };
  log: { ballotLog(id: string): Promise<Array<StoredBallot & { reveal?: StoredReveal }>>; secretOf(statementId: string): Promise<SealedBallot | undefined> };
  closes: Collection<CloseProgress>;
  sets: BallotSets;
  statements: PluginStatements;
  builder: ProposalStatements;
  communities: CommunityDirectory;
  closeGraceMs: number;
  now: () => number;
}

export class ProposalClose {
  constructor(private readonly deps: CloseDependencies) {}

  /** One run of the close job: every proposal due (and every close a crash left unfinished). */
  async closeDue(): Promise<number> {
    const due = await this.due();
    if (due.length === 0) return 0;
    // Everything stored before now (so every ballot stored before each closesAt) must be in the ballot log.
    if (!(await this.deps.statements.caughtUp(CAUGHT_UP_TIMEOUT_MS))) return 0;
    const failures: unknown[] = [];
    let closed = 0;
    for (const id of due) {
      try {
        if (await this.close(id)) closed++;
      } catch (error) {
        failures.push(error); // one proposal's failure does not hold the others back; the next run retries it
      }
    }
    if (failures.length > 0) throw failures.length === 1 ? failures[0] : new AggregateError(failures, `${failures.length} proposals could not be closed`);
    return closed;
  }

  private async due(): Promise<string[]> {
    const unfinished = await this.deps.closes.find({ where: { done: false }, limit: CLOSES_PER_RUN });
    const open = await this.deps.proposals.dueBy(this.deps.now() - this.deps.closeGraceMs, CLOSES_PER_RUN);
    return [...new Set([...unfinished.map(({ id }) => id), ...open])].slice(0, CLOSES_PER_RUN);
  }

  /** Closes one proposal, from wherever an earlier run stopped. False when it must wait for the next run. */
  private async close(proposalId: string): Promise<boolean> {
    const progress = await this.progressOf(proposalId);
    if (progress.value.done) return false;
    const proposal = await this.deps.proposals.stored(proposalId);
    const ref = { id: proposalId, ...proposal };
    const published = await this.publishedSet(ref, progress.value.startedAt);
    if (published === undefined) return false;
    const { set, result } = published;
    const decisionId = ProposalStatements.decisionId(proposalId);
    const decision = this.deps.builder.decision(ref, { adopted: result.outcome === 'adopted', reason: result.reason, tally: result.tally, turnout: result.turnout, root: set.root }, progress.value.startedAt);
    await this.deps.statements.record([decision], { applied: true });
    if (result.outcome === 'adopted' && proposal.effect !== undefined) {
      await this.deps.communities.carryOut(proposal.effect, { id: proposalId, community: proposal.community, registration: proposal.registration }, decisionId);
    }
    await this.deps.closes.put(proposalId, { ...progress.value, done: true });
    return true;
  }

  /** The close's progress: its moment is fixed by the first run that starts it. */
  private async progressOf(proposalId: string): Promise<{ value: CloseProgress }> {
    const started: CloseProgress = { proposalId, startedAt: new Date(this.deps.now()).toISOString(), done: false };
    await this.deps.closes.insert(proposalId, started);
    return (await this.deps.closes.get(proposalId))!;
  }

  /**
   * The set published by an earlier run (tallied again), or the sealed ballots revealed and the set
   * published now, with its tally (undefined: reveals not applied yet).
   */
  private async publishedSet(proposal: StoredProposal & { id: string }, startedAt: string): Promise<{ set: PublishedBallotSet; result: TallyResult } | undefined> {
    const kept = await this.deps.sets.load(proposal.id);
    if (kept !== undefined) return { set: kept, result: recount(kept).result };
    let log = await this.deps.log.ballotLog(proposal.id);
    if (await this.reveal(proposal, log, startedAt)) {
      if (!(await this.deps.statements.caughtUp(CAUGHT_UP_TIMEOUT_MS))) return undefined;
      log = await this.deps.log.ballotLog(proposal.id);
    }
    const { set, result } = publishBallotSet(await this.tallyInput(proposal, log));
    await this.deps.sets.save(set);
    return { set, result };
  }

  /** Records a ballot-revealed statement for each sealed ballot not revealed yet; whether it recorded any. */
  private async reveal(proposal: StoredProposal & { id: string }, log: Array<StoredBallot & { reveal?: StoredReveal }>, startedAt: string): Promise<boolean> {
    const reveals: object[] = [];
    for (const ballot of log) {
      if (ballot.kind !== 'commitment' || ballot.reveal !== undefined) continue;
      const secret = await this.deps.log.secretOf(ballot.statementId);
      if (secret === undefined) continue; // never revealed: the tally counts it as an abstention
      reveals.push(this.deps.builder.revealed(proposal, ballot.statementId, ballot.agent, secret.response, secret.salt, startedAt));
    }
    for (let start = 0; start < reveals.length; start += REVEALS_PER_BATCH) {
      await this.deps.statements.record(reveals.slice(start, start + REVEALS_PER_BATCH), { applied: true });
    }
    return reveals.length > 0;
  }

  private async tallyInput(proposal: StoredProposal & { id: string }, log: Array<StoredBallot & { reveal?: StoredReveal }>): Promise<TallyInput> {
    const { communities } = this.deps;
    const [eligible, delegations] = await Promise.all([communities.eligibleAt(proposal.community, proposal.rules.opensAt), communities.delegationsAt(proposal.community, proposal.rules.closesAt)]);
    return {
      proposal: { id: proposal.id, kind: proposal.kind, rules: proposal.rules },
      eligible,
      ballots: log.map(ballotEntry),
      delegations: delegations.map(({ delegator, delegate, proposalKind, position }) => ({ delegator, delegate, position, ...(proposalKind !== undefined && { proposalKind }) })),
    };
  }
}

function ballotEntry(ballot: StoredBallot & { reveal?: StoredReveal }): BallotEntry {
  const { statementId, voter, stored, position, kind } = ballot;
  if (kind === 'public') return { statementId, voter, stored, position, kind, response: ballot.response };
  const entry: BallotEntry = { statementId, voter, stored, position, kind, commitment: ballot.commitment };
  if (ballot.reveal !== undefined) Object.assign(entry, { response: ballot.reveal.response, salt: ballot.reveal.salt });
  return entry;
}
