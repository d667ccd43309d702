/**
 * Proposals and their ballots (docs/governance.md, "Proposals and ballots"): a member submits a
 * proposal whose voting rules are fixed in its statement; eligible members vote (publicly, or
 * sealed: a commitment whose response and salt the plugin keeps until the close reveals them); the
 * ballot log is the plugin's own ballot statements with their feed positions and stored times, as
 * onEvents applies them. Closing is ProposalClose's (close.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  ConflictError,
  HttpError,
  ifiKey,
  NotFoundError,
  objectFields,
  recordedByPlugin,
  type Collection,
  type FeedEvent,
  type Party,
  type PluginStatements,
  type StatementReceipts,
  type StoredStatement,
} from '../../../plugin-api';
import { decisionTree, pseudonym, recount, type DecisionTree, type InclusionProof, type PublishedBallotSet } from '../ballot-set';
import type { AdoptedProposals, CommunityDirectory, DecisionView, ProposalView, TallyCounts, Turnout, VoterKey } from '../model';
import { ballotCommitment, formatResponse, isResponseError, parseResponse, type TallyResult } from '../tally';
import { ACTIVITY_TYPE, EXTENSION, VERB } from '../vocabulary';
import { BallotSets } from './ballot-sets';
import { ProposalClose } from './close';
import { ProposalCode } from './codes';
import { ballotResponse, fail, parseSalt, parseSubmission } from './input';
import type { BallotSetChunk, CloseProgress, SealedBallot, StoredBallot, StoredProposal, StoredReveal } from './records';
import { ProposalStatements } from './statements';

export interface ProposalsOptions {
  store(name: string): Collection<any>;
  statements: PluginStatements;
  publicUrl: string;
  communities: CommunityDirectory;
  /** The anchoring plugin's receipts, while anchoring is on. */
  receipts: () => StatementReceipts | undefined;
  /** How long after closesAt a proposal is decided (GOVERNANCE_CLOSE_GRACE_SECONDS). */
  closeGraceMs: number;
  now?: () => number;
}

/** The voter's own latest ballot: for a sealed one, with the response and salt only they see before close. */
export interface BallotView {
  proposalId: string;
  statementId: string;
  kind: 'public' | 'commitment';
  response?: string;
  commitment?: string;
  salt?: string;
  stored?: string;
}

export type AnchoringView = { state: 'anchored'; receiptUrl: string; transactionHash: string } | { state: 'pending' } | { state: 'off' };

const PLUGIN = 'governance';
const PAGE = 1000;
const MAX_LISTED = 200;

export class Proposals implements AdoptedProposals {
  private readonly proposals: Collection<StoredProposal>;
  private readonly ballots: Collection<StoredBallot>;
  private readonly reveals: Collection<StoredReveal>;
  private readonly sealed: Collection<SealedBallot>;
  private readonly sets: BallotSets;
  private readonly statementsOf: ProposalStatements;
  private readonly closing: ProposalClose;
  private readonly now: () => number;
  /** The trees of the last decisions asked about: an inclusion proof needs the whole tree. */
  private readonly trees = new Map<string, DecisionTree>();

  constructor(private readonly options: ProposalsOptions) {
    this.now = options.now ?? Date.now;
    this.proposals = options.store('proposals');
    this.ballots = options.store('ballots');
    this.reveals = options.store('reveals');
    this.sealed = options.store('sealed');
    this.sets = new BallotSets(options.store('ballot_sets') as Collection<BallotSetChunk>);
    this.statementsOf = new ProposalStatements(options.publicUrl);
    this.closing = new ProposalClose({
      proposals: this,
      log: this,
      closes: options.store('closes') as Collection<CloseProgress>,
      sets: this.sets,
      statements: options.statements,
      builder: this.statementsOf,
      communities: options.communities,
      closeGraceMs: options.closeGraceMs,
      now: this.now,
    });
  }

  // ---- submitting and voting

  async submit(party: Party, community: string, body: unknown): Promise<ProposalView> {
    await this.communityNamed(community);
    const nowMs = this.now();
    const submission = parseSubmission(body, nowMs);
    if (!(await this.options.communities.isMember(community, party.key))) throw new HttpError(403, ProposalCode.NotAMember, `Only members of ${community} may submit proposals`);
    await this.checkEffect(community, submission.effect);
    if (submission.supersedes !== undefined) await this.checkSuperseded(community, submission.supersedes);
    const id = randomUUID();
    const registration = ProposalStatements.registrationOf(id);
    const statement = this.statementsOf.submitted({ id, community, registration, ...submission }, party.agent, new Date(nowMs).toISOString());
    await this.options.statements.record([statement], { applied: true });
    return (await this.proposal(id)) ?? this.viewOf(id, this.statementsOf.proposalOf(asStored(statement), new Date(nowMs).toISOString(), party.key)!.proposal);
  }

  private async communityNamed(community: string): Promise<void> {
    if ((await this.options.communities.community(community)) === undefined) throw new NotFoundError(`No community ${community}`, ProposalCode.UnknownCommunity);
  }

  private async checkEffect(community: string, effect: ProposalView['effect']): Promise<void> {
    if (effect?.type !== 'recognize' && effect?.type !== 'withdraw-recognition') return;
    if (effect.community === community) fail(ProposalCode.InvalidEffect, 'effect.community must be another community: a community does not recognise itself');
    if ((await this.options.communities.community(effect.community)) === undefined) fail(ProposalCode.InvalidEffect, `effect.community names no community: ${effect.community}`);
  }

  private async checkSuperseded(community: string, supersedes: string): Promise<void> {
    const earlier = await this.proposals.get(supersedes);
    if (earlier === undefined || earlier.value.community !== community) fail(ProposalCode.InvalidProposal, `supersedes names no proposal of ${community}: ${supersedes}`);
    if (earlier.value.decision?.outcome !== 'adopted') throw new ConflictError(ProposalCode.NotAdopted, `supersedes must name an adopted proposal; ${supersedes} is ${earlier.value.decision ? 'rejected' : 'still open'}`);
  }

  async vote(party: Party, proposalId: string, body: unknown): Promise<BallotView> {
    const proposal = await this.stored(proposalId);
    const nowMs = this.now();
    const { rules } = proposal;
    if (nowMs < Date.parse(rules.opensAt)) throw new ConflictError(ProposalCode.VotingNotOpen, `Voting opens at ${rules.opensAt}`);
    if (nowMs >= proposal.closesAtMs || proposal.state === 'closed') throw new ConflictError(ProposalCode.VotingClosed, `Voting closed at ${rules.closesAt}`);
    const input = objectFields(body, ProposalCode.InvalidBallot);
    const parsed = parseResponse(rules, ballotResponse(input));
    if (isResponseError(parsed)) fail(parsed.code === 'UNKNOWN_CHOICE' ? ProposalCode.UnknownChoice : ProposalCode.InvalidBallot, `response: ${parsed.error}`);
    const response = formatResponse(rules, parsed);
    const sealed = rules.ballotPrivacy === 'commitment';
    if (!sealed && input.salt !== undefined) fail(ProposalCode.InvalidBallot, 'salt is for sealed ballots only: this proposal votes in public');
    if (!(await this.options.communities.isEligible(proposal.community, party.key, rules.opensAt))) {
      throw new HttpError(403, ProposalCode.NotEligible, `Only members of ${proposal.community} who joined before ${rules.opensAt} vote on this proposal`);
    }
    const statementId = randomUUID();
    const timestamp = new Date(nowMs).toISOString();
    const ref = { id: proposalId, ...proposal };
    if (!sealed) {
      await this.options.statements.record([this.statementsOf.ballot(ref, statementId, party.agent, { response }, timestamp)], { applied: true });
      await this.refuseIfStoredAfterClose(statementId, proposal);
      return { proposalId, statementId, kind: 'public', response, stored: timestamp };
    }
    const salt = parseSalt(input.salt) ?? randomBytes(16).toString('base64url');
    const commitment = ballotCommitment(response, salt);
    // The secret first: a commitment recorded without it could never be revealed.
    await this.sealed.put(statementId, { proposalId, voter: party.key, response, salt });
    await this.options.statements.record([this.statementsOf.ballot(ref, statementId, party.agent, { commitment }, timestamp)], { applied: true });
    await this.refuseIfStoredAfterClose(statementId, proposal);
    return { proposalId, statementId, kind: 'commitment', response, commitment, salt, stored: timestamp };
  }

  /**
   * The tally's window is the LRS's stored time: a ballot decided before closesAt but stored at or
   * after it counts nowhere, so the voter is told so (409) rather than acknowledged.
   */
  private async refuseIfStoredAfterClose(statementId: string, proposal: StoredProposal): Promise<void> {
    const stored = (await this.options.statements.get(statementId))?.stored;
    if (stored !== undefined && stored.getTime() >= proposal.closesAtMs) {
      throw new ConflictError(ProposalCode.VotingClosed, `Your ballot was stored at ${stored.toISOString()}, after voting closed at ${proposal.rules.closesAt}: it does not count`);
    }
  }

  // ---- reading

  async proposal(proposalId: string): Promise<ProposalView | undefined> {
    const found = await this.proposals.get(proposalId);
    return found && this.viewOf(proposalId, found.value);
  }

  async decisionOf(proposalId: string): Promise<DecisionView | undefined> {
    return (await this.proposals.get(proposalId))?.value.decision;
  }

  /** GET /proposals/:id: 404 PROPOSAL_NOT_FOUND for an unknown one. */
  async viewed(proposalId: string): Promise<ProposalView> {
    return this.viewOf(proposalId, await this.stored(proposalId));
  }

  /** GET /communities/:slug/proposals: 404 UNKNOWN_COMMUNITY for an unknown community. */
  async listIn(community: string): Promise<ProposalView[]> {
    await this.communityNamed(community);
    return this.listFor(community);
  }

  /** GET /proposals/:id/ballot: 404 NO_BALLOT when the voter has cast none. */
  async myBallot(proposalId: string, voter: VoterKey): Promise<BallotView> {
    await this.stored(proposalId);
    const ballot = await this.ballotOf(proposalId, voter);
    if (ballot === undefined) throw new NotFoundError(`You have cast no ballot on proposal ${proposalId}`, ProposalCode.NoBallot);
    return ballot;
  }

  /** A community's proposals, newest first. */
  async listFor(community: string, limit = MAX_LISTED): Promise<ProposalView[]> {
    const found = await this.proposals.find({ where: { community }, orderBy: [{ field: 'submittedAt', descending: true }], limit: Math.min(limit, MAX_LISTED) });
    return found.map(({ id, value }) => this.viewOf(id, value));
  }

  /** The voter's latest ballot on the proposal (with the sealed response and salt: they are the voter's own). */
  async ballotOf(proposalId: string, voter: VoterKey): Promise<BallotView | undefined> {
    const [latest] = await this.ballots.find({ where: { proposalId, voter }, orderBy: [{ field: 'position', descending: true }], limit: 1 });
    if (latest === undefined) return undefined;
    const { statementId, kind, response, commitment, stored } = latest.value;
    if (kind === 'public') return { proposalId, statementId, kind, response, stored };
    const secret = (await this.sealed.get(statementId))?.value;
    return { proposalId, statementId, kind, commitment, stored, ...(secret && { response: secret.response, salt: secret.salt }) };
  }

  /** The published ballot set of a decided proposal (409 NOT_CLOSED before). */
  async ballotSet(proposalId: string): Promise<PublishedBallotSet> {
    const proposal = await this.stored(proposalId);
    const set = proposal.decision === undefined ? undefined : await this.sets.load(proposalId);
    if (set === undefined) throw new ConflictError(ProposalCode.NotClosed, `Proposal ${proposalId} is not decided yet: its ballot set is published at the close`);
    return set;
  }

  /** The recount of the published set: the tally again, and whether its tree has the decision's root. */
  async recountOf(proposalId: string): Promise<{ result: TallyResult; root: string; matches: boolean; decisionRoot: string }> {
    const set = await this.ballotSet(proposalId);
    const decision = (await this.decisionOf(proposalId))!;
    const recounted = recount(set);
    return { ...recounted, matches: recounted.matches && recounted.root === decision.root, decisionRoot: decision.root };
  }

  /** The inclusion proof of the voter's counted vote (404 NOT_COUNTED when none was counted). */
  async proofFor(proposalId: string, voter: VoterKey): Promise<InclusionProof> {
    const set = await this.ballotSet(proposalId);
    const proof = this.treeOf(set).leafOf(pseudonym(proposalId, voter));
    if (proof === undefined) throw new NotFoundError(`No vote of yours was counted in proposal ${proposalId}`, ProposalCode.NotCounted);
    return proof;
  }

  /** The decision with its anchoring state (anchored with its receipt, pending, or off when anchoring is). */
  async decisionWithAnchoring(proposalId: string): Promise<DecisionView & { anchoring: AnchoringView }> {
    const proposal = await this.stored(proposalId);
    if (proposal.decision === undefined) throw new ConflictError(ProposalCode.NotClosed, `Proposal ${proposalId} is still open until ${proposal.rules.closesAt}`);
    const receipts = this.options.receipts();
    const state = receipts && (await receipts.statesOf([proposal.decision.statementId])).get(proposal.decision.statementId);
    return { ...proposal.decision, anchoring: receipts === undefined ? { state: 'off' } : (state ?? { state: 'pending' }) };
  }

  /** The close job's run: decides every proposal due (close.ts). Returns how many it closed. */
  closeDue(): Promise<number> {
    return this.closing.closeDue();
  }

  async stored(proposalId: string): Promise<StoredProposal> {
    const found = await this.proposals.get(proposalId);
    if (found === undefined) throw new NotFoundError(`No proposal ${proposalId}`, ProposalCode.ProposalNotFound);
    return found.value;
  }

  /** Open proposals whose closesAt is at or before `closesBy`, soonest first. */
  async dueBy(closesBy: number, limit: number): Promise<string[]> {
    const found = await this.proposals.find({ where: { state: 'open', closesAtMs: { lte: closesBy } }, orderBy: [{ field: 'closesAtMs' }], limit });
    return found.map(({ id }) => id);
  }

  /** The ballot log of a proposal in feed order, each sealed ballot with its reveal when there is one. */
  async ballotLog(proposalId: string): Promise<Array<StoredBallot & { reveal?: StoredReveal }>> {
    const log: StoredBallot[] = [];
    for (let after = -1; ; ) {
      const page = await this.ballots.find({ where: { proposalId, position: { gt: after } }, orderBy: [{ field: 'position' }], limit: PAGE });
      log.push(...page.map(({ value }) => value));
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.value.position;
    }
    const reveals = new Map<string, StoredReveal>();
    for (const { id, value } of await this.allReveals(proposalId)) reveals.set(id, value);
    return log.map((ballot) => ({ ...ballot, ...(reveals.has(ballot.statementId) && { reveal: reveals.get(ballot.statementId) }) }));
  }

  /** The secret of a sealed ballot, kept until the close reveals it. */
  async secretOf(statementId: string): Promise<SealedBallot | undefined> {
    return (await this.sealed.get(statementId))?.value;
  }

  private async allReveals(proposalId: string): Promise<Array<{ id: string; value: StoredReveal }>> {
    const all: Array<{ id: string; value: StoredReveal }> = [];
    for (let after = ''; ; ) {
      const page = await this.reveals.find({ where: { proposalId, commitmentId: { gt: after } }, orderBy: [{ field: 'commitmentId' }], limit: PAGE });
      all.push(...page);
      if (page.length < PAGE) return all;
      after = page[page.length - 1]!.value.commitmentId;
    }
  }

  private treeOf(set: PublishedBallotSet): DecisionTree {
    const key = `${set.proposalId}/${set.root}`;
    let tree = this.trees.get(key);
    if (tree === undefined) {
      tree = decisionTree(set);
      if (this.trees.size >= 4) this.trees.delete(this.trees.keys().next().value!);
      this.trees.set(key, tree);
    }
    return tree;
  }

  private viewOf(id: string, proposal: StoredProposal): ProposalView {
    const { closesAtMs: _closesAtMs, ...view } = proposal;
    return { id, ...view };
  }

  // ---- onEvents

  /** Builds the derived stores from the plugin's own statements (idempotent by statement id). */
  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'voided') {
        await this.ballots.delete(event.statementId); // a voided ballot counts nowhere
        continue;
      }
      const { statement, stored, position } = event.statement;
      if (!recordedByPlugin(statement, PLUGIN)) continue;
      await this.applyStatement(statement, stored.toISOString(), position);
    }
  }

  private async applyStatement(statement: StoredStatement, stored: string, position: number): Promise<void> {
    const verbId = statement.verb.id;
    const object = statement.object as { objectType?: string; id: string; definition?: { type?: string } };
    const actorKey = ifiKey(statement.actor as never) ?? '';
    if (verbId === VERB.submitted && object.definition?.type === ACTIVITY_TYPE.proposal) {
      const read = this.statementsOf.proposalOf(statement, stored, actorKey);
      if (read !== undefined) await this.proposals.insert(read.id, read.proposal);
    } else if (verbId === VERB.voted || verbId === VERB.committedBallot) {
      await this.applyBallot(statement, object.id, actorKey, stored, position);
    } else if (verbId === VERB.revealedBallot && object.objectType === 'StatementRef') {
      await this.applyReveal(statement, object.id);
    } else if ((verbId === VERB.adopted || verbId === VERB.rejected) && object.definition?.type === ACTIVITY_TYPE.proposal) {
      await this.applyDecision(statement, object.id, stored);
    }
  }

  private async applyBallot(statement: StoredStatement, objectId: string, voter: string, stored: string, position: number): Promise<void> {
    const proposalId = this.statementsOf.proposalIdOf(objectId, '/ballot');
    if (proposalId === undefined) return;
    const result = statement.result as { response?: string; extensions?: Record<string, unknown> } | undefined;
    const commitment = result?.extensions?.[EXTENSION.ballotCommitment] as string | undefined;
    const ballot: StoredBallot = { proposalId, statementId: statement.id, voter, agent: statement.actor as never, kind: commitment === undefined ? 'public' : 'commitment', stored, position };
    if (commitment === undefined) ballot.response = result?.response ?? '';
    else ballot.commitment = commitment;
    await this.ballots.insert(statement.id, ballot);
  }

  private async applyReveal(statement: StoredStatement, commitmentId: string): Promise<void> {
    const committed = await this.ballots.get(commitmentId);
    const result = statement.result as { response?: string; extensions?: Record<string, unknown> } | undefined;
    const salt = result?.extensions?.[EXTENSION.ballotSalt];
    if (committed === undefined || typeof salt !== 'string' || typeof result?.response !== 'string') return;
    await this.reveals.insert(commitmentId, { proposalId: committed.value.proposalId, commitmentId, response: result.response, salt });
  }

  private async applyDecision(statement: StoredStatement, objectId: string, stored: string): Promise<void> {
    const proposalId = this.statementsOf.proposalIdOf(objectId);
    const found = proposalId === undefined ? undefined : await this.proposals.get(proposalId);
    if (found === undefined || found.value.decision !== undefined) return;
    const result = statement.result as { success?: boolean; response?: string; extensions?: Record<string, unknown> };
    const decision: DecisionView = {
      statementId: statement.id,
      outcome: result.success === true ? 'adopted' : 'rejected',
      reason: result.response ?? (result.success === true ? 'adopted' : 'rejected'),
      tally: result.extensions?.[EXTENSION.tally] as TallyCounts,
      turnout: result.extensions?.[EXTENSION.turnout] as Turnout,
      root: result.extensions?.[EXTENSION.ballotSetRoot] as string,
      closedAt: stored,
    };
    await this.proposals.put(proposalId!, { ...found.value, state: 'closed', decision });
    const superseded = found.value.supersedes;
    if (decision.outcome === 'adopted' && superseded !== undefined) await this.markSuperseded(superseded, proposalId!);
  }

  private async markSuperseded(proposalId: string, by: string): Promise<void> {
    const found = await this.proposals.get(proposalId);
    if (found?.value.decision === undefined || found.value.decision.supersededBy !== undefined) return;
    await this.proposals.put(proposalId, { ...found.value, decision: { ...found.value.decision, supersededBy: by } });
  }
}

function asStored(statement: object): StoredStatement {
  return statement as StoredStatement;
}
