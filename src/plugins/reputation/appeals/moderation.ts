import { ConflictError, HttpError, identifierOfKey, NotFoundError, type Collection, type PluginStatements } from '../../../plugin-api';
import type { AgentKey, FraudSignal } from '../model';
import { secondsOf } from '../ratings/rating';
import type { Appeals, AppealView } from './appeals';
import type { PenaltyInput } from './inputs';
import { transition, type AppealState, type DecisionKind } from './records';
import { decisionStatement, liftStatement, openedReviewStatement, penaltyStatement, voidingStatement, type Actor } from './statements';

export const ModerationCode = {
  AppealNotFound: 'APPEAL_NOT_FOUND',
  AppealDecided: 'APPEAL_DECIDED',
  AppealNotUnderReview: 'APPEAL_NOT_UNDER_REVIEW',
  AppealUnderReview: 'APPEAL_ALREADY_UNDER_REVIEW',
  ModeratorInvolved: 'MODERATOR_INVOLVED',
  FlagNotFound: 'FLAG_NOT_FOUND',
  FlagDecided: 'FLAG_DECIDED',
  PenaltyNotFound: 'PENALTY_NOT_FOUND',
  PenaltyLifted: 'PENALTY_LIFTED',
} as const;

/** A moderator: the actor of the statements recorded for them, and every identity of theirs (a party to a rating cannot decide it). */
export interface Moderator {
  actor: Actor;
  keys: AgentKey[];
}

/** An open fraud flag as helper B's FraudFlags gives it (fraud/index.ts). */
export interface FlagView extends FraudSignal {
  id: string;
  /** The `flagged` statement (a penalty's context.statement). */
  statementId: string;
  /** The moderation case's registration (shared by the flag, its penalties and their lifting). */
  registration: string;
}

export interface FlagSource {
  open(): Promise<FlagView[]>;
  flag(id: string): Promise<FlagView | undefined>;
}

/** Store `flag-decisions`, id = the flag's id: flags a moderator dismissed. */
export interface FlagDecision {
  decision: 'dismissed';
  reason: string;
  moderator: string;
  atSec: number;
}

export interface ModerationOptions {
  appeals: Appeals;
  statements: PluginStatements;
  flags: () => FlagSource | undefined;
  flagDecisions: Collection<FlagDecision>;
  now?: () => Date;
}

const DECISION_ERRORS: Record<string, (state: AppealState) => HttpError> = {
  'already-decided': (state) => new ConflictError(ModerationCode.AppealDecided, `The appeal was already ${state}: a decided appeal is final`),
  'already-under-review': () => new ConflictError(ModerationCode.AppealUnderReview, 'The appeal is already under review'),
  'not-under-review': () => new ConflictError(ModerationCode.AppealNotUnderReview, 'Open a review of the appeal before deciding it'),
};

/**
 * What moderators decide, recorded as statements by this plugin (actor: the moderator): appeals'
 * review and decision (an upheld appeal voids its rating in the same batch), flags' confirmation
 * (a penalty per subject) or dismissal, penalties' lifting. Each answers once its statements
 * reached the plugin's stores, so the score read next has changed.
 */
export class Moderation {
  private readonly now: () => Date;

  constructor(private readonly options: ModerationOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async review(appealId: string, moderator: Moderator): Promise<AppealView> {
    const appeal = await this.decidable(appealId, moderator, 'opened-review');
    return this.recordDecision(appeal, [openedReviewStatement(moderator.actor, appeal.id, await this.registrationOf(appeal.id))]);
  }

  /** Upheld: the decision and the rating's voiding in one batch. Rejected: the decision alone. */
  async decide(appealId: string, moderator: Moderator, upheld: boolean, reason: string): Promise<AppealView> {
    const appeal = await this.decidable(appealId, moderator, upheld ? 'upheld' : 'dismissed');
    const decision = decisionStatement(moderator.actor, appeal.id, await this.registrationOf(appeal.id), upheld, reason);
    return this.recordDecision(appeal, upheld ? [decision, voidingStatement(moderator.actor, appeal.ratingId)] : [decision]);
  }

  /** Open flags: B's, without those a moderator confirmed (a penalty names them) or dismissed. */
  async openFlags(): Promise<FlagView[]> {
    const flags = (await this.options.flags()?.open()) ?? [];
    const decided = await Promise.all(flags.map((flag) => this.isDecided(flag)));
    return flags.filter((_flag, index) => !decided[index]);
  }

  /** One penalty statement per subject of the flag, from now. Returns the penalties' ids. */
  async confirmFlag(flagId: string, moderator: Moderator, penalty: PenaltyInput): Promise<string[]> {
    const flag = await this.openFlag(flagId);
    const terms = { weightFactor: penalty.weightFactor, from: this.now().toISOString(), ...(penalty.until && { until: penalty.until.toISOString() }) };
    const subjects = flag.subjects.map((key) => identifierOfKey(key)).filter((agent) => agent !== undefined);
    return this.options.statements.record(subjects.map((subject) => penaltyStatement(moderator.actor, subject, terms, penalty.reason, flag)), { applied: true });
  }

  async dismissFlag(flagId: string, moderator: Moderator, reason: string): Promise<void> {
    const flag = await this.openFlag(flagId);
    const inserted = await this.options.flagDecisions.insert(flag.id, { decision: 'dismissed', reason, moderator: moderator.keys[0] ?? '', atSec: secondsOf(this.now()) });
    if (!inserted) throw flagDecided();
  }

  async lift(penaltyId: string, moderator: Moderator, reason: string): Promise<void> {
    const id = penaltyId.toLowerCase();
    const penalty = await this.options.appeals.penalties.get(id);
    if (penalty === undefined) throw new NotFoundError(`No penalty ${penaltyId}`, ModerationCode.PenaltyNotFound);
    if (penalty.value.liftedSec !== undefined) throw new ConflictError(ModerationCode.PenaltyLifted, 'This penalty was already lifted');
    await this.options.statements.record([liftStatement(moderator.actor, id, penalty.value.registration, reason)], { applied: true });
  }

  /** The appeal, when this moderator may take this decision now: 404, 403 (a party), 409 (state). */
  private async decidable(appealId: string, moderator: Moderator, kind: DecisionKind): Promise<AppealView> {
    const appeal = await this.options.appeals.appeal(appealId);
    if (appeal === undefined) throw new NotFoundError(`No appeal ${appealId}`, ModerationCode.AppealNotFound);
    if (moderator.keys.includes(appeal.rater.key) || moderator.keys.includes(appeal.ratee.key)) {
      throw new HttpError(403, ModerationCode.ModeratorInvolved, 'You gave or received this rating: another moderator decides its appeal');
    }
    const next = transition(appeal.state, kind);
    if (typeof next === 'object') throw DECISION_ERRORS[next.why]!(appeal.state);
    return appeal;
  }

  private async registrationOf(appealId: string): Promise<string> {
    return (await this.options.appeals.appeals.get(appealId))!.value.registration;
  }

  private async recordDecision(appeal: AppealView, statements: object[]): Promise<AppealView> {
    await this.options.statements.record(statements, { applied: true });
    return (await this.options.appeals.appeal(appeal.id)) ?? appeal;
  }

  private async openFlag(flagId: string): Promise<FlagView> {
    const flag = await this.options.flags()?.flag(flagId);
    if (flag === undefined) throw new NotFoundError(`No flag ${flagId}`, ModerationCode.FlagNotFound);
    if (await this.isDecided(flag)) throw flagDecided();
    return flag;
  }

  private async isDecided(flag: FlagView): Promise<boolean> {
    if ((await this.options.flagDecisions.get(flag.id)) !== undefined) return true;
    return (await this.options.appeals.penalties.count({ flagStatementId: flag.statementId.toLowerCase() })) > 0;
  }
}

const flagDecided = () => new ConflictError(ModerationCode.FlagDecided, 'A moderator already confirmed or dismissed this flag');
