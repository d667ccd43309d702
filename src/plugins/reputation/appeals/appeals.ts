import type { Collection, FeedEvent, FeedStatement, Logger, PluginStoreDeclaration, StatementReader } from '../../../plugin-api';
import type { AgentKey, RatingRecord } from '../model';
import { secondsOf } from '../ratings/rating';
import { VERB } from '../vocabulary';
import {
  agentParty,
  appealOf,
  decisionOf,
  isFinal,
  liftOf,
  penaltyOf,
  replyOf,
  stepsOf,
  type AppealGrounds,
  type AppealRecord,
  type AppealState,
  type DecisionKind,
  type IgnoredDecision,
  type Party,
  type PenaltyRecord,
  type ReplyRecord,
} from './records';

export const APPEAL_STORES: Record<string, PluginStoreDeclaration> = {
  appeals: {
    derived: true,
    indexes: [
      { name: 'by_rating', fields: ['ratingId'] },
      { name: 'by_state', fields: ['state', 'filedSec'] },
      { name: 'by_rater', fields: ['rater', 'filedSec'] },
      { name: 'by_ratee', fields: ['ratee', 'filedSec'] },
    ],
  },
  replies: { derived: true, indexes: [{ name: 'by_rating', fields: ['ratingId', 'position'] }] },
  'moderation-penalties': {
    derived: true,
    indexes: [
      { name: 'by_lifted', fields: ['liftedSec', 'penalizedSec'] },
      { name: 'by_flag', fields: ['flagStatementId'] },
    ],
  },
  /** What moderators decided about flags they dismissed (a decision, not derived from statements). */
  'flag-decisions': {},
};

/** What the appeals need of the ratings: helper A's ReputationLedger has it. */
export interface RatingLookup {
  rating(id: string): Promise<RatingRecord | undefined>;
}

/** Rater and ratee of a rating statement, and the ledger's record of it when it has one. */
export interface RatingParties {
  rater: Party;
  ratee: Party;
  rating?: RatingRecord;
}

/** An appeal as people and moderators read it: every step with its reason, and decisions that came too late. */
export interface AppealView {
  id: string;
  ratingId: string;
  rater: Party;
  ratee: Party;
  grounds: AppealGrounds;
  reason: string;
  filed: string;
  state: AppealState;
  /** Upheld or rejected: no later decision changes it. */
  final: boolean;
  steps: Array<{ state: Exclude<AppealState, 'filed'>; reason?: string; at: string }>;
  /** Decisions recorded that did not count (e.g. after the appeal was decided). */
  ignoredDecisions: Array<{ decision: DecisionKind; at: string; why: IgnoredDecision['why'] }>;
}

export interface ReplyView {
  id: string;
  author: Party;
  text: string;
  at: string;
}

const MAX_LISTED = 1000;
const STEP_OF: Record<DecisionKind, Exclude<AppealState, 'filed'>> = { 'opened-review': 'under-review', upheld: 'upheld', dismissed: 'rejected' };
const iso = (sec: number) => new Date(sec * 1000).toISOString();

export interface AppealsOptions {
  store: <T extends object>(name: string) => Collection<T>;
  statements: StatementReader;
  ledger: RatingLookup;
  logger: Logger;
}

/**
 * Replies, appeals and moderators' penalties, derived from the profile's statements (`apply`, in
 * onEvents after the ledger's): an appeal or reply counts when its actor is the rated Agent;
 * decisions and penalties only when this plugin recorded them.
 */
export class Appeals {
  readonly appeals: Collection<AppealRecord>;
  readonly replies: Collection<ReplyRecord>;
  readonly penalties: Collection<PenaltyRecord>;
  private readonly statements: StatementReader;
  private readonly ledger: RatingLookup;
  private readonly logger: Logger;

  constructor(options: AppealsOptions) {
    this.appeals = options.store<AppealRecord>('appeals');
    this.replies = options.store<ReplyRecord>('replies');
    this.penalties = options.store<PenaltyRecord>('moderation-penalties');
    this.statements = options.statements;
    this.ledger = options.ledger;
    this.logger = options.logger;
  }

  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'stored') await this.applyStored(event.statement);
      else await this.applyVoided(event.statementId.toLowerCase());
    }
  }

  /**
   * Rater and ratee of a rating: the ledger's record, else (a rating voided before the ledger saw
   * it, as in a rebuild after an upheld appeal) the voided statement itself.
   */
  async ratingParties(ratingId: string): Promise<RatingParties | undefined> {
    const rating = await this.ledger.rating(ratingId);
    if (rating !== undefined) {
      return { rater: party(rating.rater, rating.raterName), ratee: party(rating.ratee, rating.rateeName), rating };
    }
    const stored = await this.statements.get(ratingId);
    if (stored === undefined || !stored.voided || stored.statement.verb.id !== VERB.rated) return undefined;
    const rater = agentParty(stored.statement.actor);
    const ratee = agentParty(stored.statement.object);
    return rater && ratee ? { rater, ratee } : undefined;
  }

  /** The appeal still open (filed or under review) about a rating, if any. */
  async openAppealOf(ratingId: string): Promise<{ id: string; value: AppealRecord } | undefined> {
    const appeals = await this.appeals.find({ where: { ratingId, state: { in: ['filed', 'under-review'] } }, limit: 1 });
    return appeals[0];
  }

  async appeal(id: string): Promise<AppealView | undefined> {
    const stored = await this.appeals.get(id.toLowerCase());
    return stored && appealView(stored.id, stored.value);
  }

  /** Appeals in a state, oldest first (what moderators work through). */
  async inState(states: AppealState[], limit = MAX_LISTED): Promise<AppealView[]> {
    const found = await this.appeals.find({ where: { state: { in: states } }, orderBy: [{ field: 'state' }, { field: 'filedSec' }], limit });
    return found.map((stored) => appealView(stored.id, stored.value)).sort((a, b) => a.filed.localeCompare(b.filed));
  }

  /** Appeals about ratings of or by these agents, newest first, each with every step, decision and reason. */
  async appealsFor(agents: AgentKey[]): Promise<AppealView[]> {
    const keys = [...new Set(agents)].slice(0, MAX_LISTED);
    if (keys.length === 0) return [];
    const [asRatee, asRater] = await Promise.all([
      this.appeals.find({ where: { ratee: { in: keys } }, limit: MAX_LISTED }),
      this.appeals.find({ where: { rater: { in: keys } }, limit: MAX_LISTED }),
    ]);
    const byId = new Map([...asRatee, ...asRater].map((stored) => [stored.id, stored.value]));
    return [...byId].map(([id, value]) => appealView(id, value)).sort((a, b) => b.filed.localeCompare(a.filed) || a.id.localeCompare(b.id));
  }

  /** The ratee's replies to each rating, oldest first (ratings without one are absent). */
  async repliesTo(ratingIds: string[]): Promise<Map<string, ReplyView[]>> {
    const ids = [...new Set(ratingIds.map((id) => id.toLowerCase()))].slice(0, MAX_LISTED);
    const replies = new Map<string, ReplyView[]>();
    if (ids.length === 0) return replies;
    const found = await this.replies.find({ where: { ratingId: { in: ids } }, orderBy: [{ field: 'ratingId' }, { field: 'position' }], limit: MAX_LISTED });
    for (const { id, value } of found) {
      const view = { id, author: party(value.author, value.authorName), text: value.text, at: iso(value.storedSec) };
      replies.set(value.ratingId, [...(replies.get(value.ratingId) ?? []), view]);
    }
    return replies;
  }

  /** Penalties in force (not lifted, not ended), newest first. */
  async activePenalties(now: Date): Promise<Array<{ id: string; value: PenaltyRecord }>> {
    const found = await this.penalties.find({ where: { liftedSec: null }, orderBy: [{ field: 'liftedSec' }, { field: 'penalizedSec', descending: true }], limit: MAX_LISTED });
    return found.filter(({ value }) => value.until === undefined || Date.parse(value.until) > now.getTime());
  }

  private async applyStored(record: FeedStatement): Promise<void> {
    const { statement } = record;
    const id = statement.id.toLowerCase();
    const atSec = secondsOf(record.stored);
    const decision = decisionOf(statement, atSec);
    if (decision !== undefined) return this.applyDecision(decision.appealId, decision.decision);
    const appeal = appealOf(statement);
    if (appeal !== undefined) return this.applyAppeal(id, appeal, atSec);
    const reply = replyOf(statement);
    if (reply !== undefined) return this.applyReply(id, reply, atSec, record.position);
    const penalty = penaltyOf(statement, atSec);
    if (penalty !== undefined) return void (await this.penalties.insert(id, penalty));
    const lift = liftOf(statement);
    if (lift !== undefined) await this.applyLift(id, lift, atSec);
  }

  private async applyAppeal(id: string, appeal: NonNullable<ReturnType<typeof appealOf>>, filedSec: number): Promise<void> {
    if ((await this.appeals.get(id)) !== undefined) return; // delivered again
    const parties = await this.ratingParties(appeal.ratingId);
    if (parties === undefined || parties.ratee.key !== appeal.appellant.key) return; // only the rated person appeals
    if ((await this.openAppealOf(appeal.ratingId)) !== undefined) {
      this.logger.info({ appealId: id }, 'appeal ignored: the rating already has an open appeal');
      return;
    }
    await this.appeals.insert(id, {
      ratingId: appeal.ratingId,
      rater: parties.rater.key,
      ratee: parties.ratee.key,
      ...(parties.rater.name !== undefined && { raterName: parties.rater.name }),
      ...(parties.ratee.name !== undefined && { rateeName: parties.ratee.name }),
      registration: appeal.registration,
      grounds: appeal.grounds,
      reason: appeal.reason,
      filedSec,
      decisions: [],
      state: 'filed',
    });
  }

  private async applyDecision(appealId: string, decision: AppealRecord['decisions'][number]): Promise<void> {
    const stored = await this.appeals.get(appealId);
    if (stored === undefined || stored.value.decisions.some((known) => known.statementId === decision.statementId)) return;
    const decisions = [...stored.value.decisions, decision];
    await this.appeals.put(appealId, { ...stored.value, decisions, state: stepsOf(decisions).state });
  }

  private async applyReply(id: string, reply: NonNullable<ReturnType<typeof replyOf>>, storedSec: number, position: number): Promise<void> {
    const parties = await this.ratingParties(reply.ratingId);
    if (parties === undefined || parties.ratee.key !== reply.author.key) return; // replies are the rated person's
    await this.replies.put(id, { ratingId: reply.ratingId, author: reply.author.key, ...(reply.author.name !== undefined && { authorName: reply.author.name }), text: reply.text, storedSec, position });
  }

  private async applyLift(id: string, lift: { penaltyId: string; reason?: string }, atSec: number): Promise<void> {
    const stored = await this.penalties.get(lift.penaltyId);
    if (stored === undefined || stored.value.liftedSec !== undefined) return;
    await this.penalties.put(lift.penaltyId, { ...stored.value, liftedSec: atSec, liftStatementId: id, ...(lift.reason !== undefined && { liftReason: lift.reason }) });
  }

  /** A voided appeal, reply or penalty counts nowhere (decisions are this plugin's and are not voided). */
  private async applyVoided(statementId: string): Promise<void> {
    await Promise.all([this.appeals.delete(statementId), this.replies.delete(statementId), this.penalties.delete(statementId)]);
  }
}

function party(key: AgentKey, name: string | undefined): Party {
  return name === undefined ? { key } : { key, name };
}

export function appealView(id: string, appeal: AppealRecord): AppealView {
  const { state, counted, ignored } = stepsOf(appeal.decisions);
  return {
    id,
    ratingId: appeal.ratingId,
    rater: party(appeal.rater, appeal.raterName),
    ratee: party(appeal.ratee, appeal.rateeName),
    grounds: appeal.grounds,
    reason: appeal.reason,
    filed: iso(appeal.filedSec),
    state,
    final: isFinal(state),
    steps: counted.map((decision) => ({ state: STEP_OF[decision.kind], ...(decision.reason !== undefined && { reason: decision.reason }), at: iso(decision.atSec) })),
    ignoredDecisions: ignored.map((entry) => ({ decision: entry.kind, at: iso(entry.atSec), why: entry.why })),
  };
}
