import { ifiKey, type StoredStatement } from '../../../plugin-api';
import type { AgentKey } from '../model';
import { EXTENSION, recordedByThisPlugin, VERB } from '../vocabulary';

/** The profile's appeal-grounds extension values (profile.jsonld). */
export const APPEAL_GROUNDS = ['retaliation', 'no-shared-session', 'abusive-comment', 'factual-error', 'fraud', 'other'] as const;
export type AppealGrounds = (typeof APPEAL_GROUNDS)[number];

export type AppealState = 'filed' | 'under-review' | 'upheld' | 'rejected';
export type DecisionKind = 'opened-review' | 'upheld' | 'dismissed';

/** Longest reply, appeal reason or moderator's reason kept (longer ones sent as statements are cut). */
export const MAX_TEXT_LENGTH = 2000;

export interface Party {
  key: AgentKey;
  name?: string;
}

/** A moderator's decision statement (recorded by this plugin), as the appeal keeps it. */
export interface Decision {
  statementId: string;
  kind: DecisionKind;
  moderator: Party;
  reason?: string;
  atSec: number;
}

/** Store `appeals` (derived), id = the `appealed` statement's id. */
export interface AppealRecord {
  ratingId: string;
  rater: AgentKey;
  ratee: AgentKey;
  raterName?: string;
  rateeName?: string;
  registration: string;
  grounds: AppealGrounds;
  reason: string;
  filedSec: number;
  /** Every decision statement about it, in feed order (ignored ones too: `stepsOf` says which count). */
  decisions: Decision[];
  /** What `stepsOf(decisions)` makes of them (indexed). */
  state: AppealState;
}

/** Store `replies` (derived), id = the `replied` statement's id. */
export interface ReplyRecord {
  ratingId: string;
  author: AgentKey;
  authorName?: string;
  text: string;
  storedSec: number;
  /** Its feed position: replies stored in the same second keep the order they were stored in. */
  position: number;
}

/** A decision that did not count, and why (shown to people: a decided appeal is final). */
export interface IgnoredDecision {
  kind: DecisionKind;
  atSec: number;
  why: 'already-decided' | 'already-under-review' | 'not-under-review';
}

/**
 * The appeal's state machine, filed → under-review → upheld | rejected, run over its decisions in
 * feed order: a decision that does not fit the state it meets is ignored (a decided appeal is final).
 */
export function stepsOf(decisions: Decision[]): { state: AppealState; counted: Decision[]; ignored: IgnoredDecision[] } {
  let state: AppealState = 'filed';
  const counted: Decision[] = [];
  const ignored: IgnoredDecision[] = [];
  for (const decision of decisions) {
    const next = transition(state, decision.kind);
    if (typeof next === 'object') {
      ignored.push({ kind: decision.kind, atSec: decision.atSec, why: next.why });
      continue;
    }
    state = next;
    counted.push(decision);
  }
  return { state, counted, ignored };
}

/** The state a decision leads to, or why it cannot be taken from `state`. */
export function transition(state: AppealState, kind: DecisionKind): AppealState | { why: IgnoredDecision['why'] } {
  if (isFinal(state)) return { why: 'already-decided' };
  if (kind === 'opened-review') return state === 'filed' ? 'under-review' : { why: 'already-under-review' };
  if (state !== 'under-review') return { why: 'not-under-review' };
  return kind === 'upheld' ? 'upheld' : 'rejected';
}

export function isFinal(state: AppealState): boolean {
  return state === 'upheld' || state === 'rejected';
}

/** The statement's actor as a party: an Agent with an IFI (Groups and anonymous actors are nobody here). */
export function agentParty(actor: StoredStatement['actor'] | StoredStatement['object']): Party | undefined {
  const agent = actor as { objectType?: string; name?: unknown };
  if (agent.objectType !== undefined && agent.objectType !== 'Agent') return undefined;
  const key = ifiKey(actor as Parameters<typeof ifiKey>[0]);
  if (key === undefined) return undefined;
  return typeof agent.name === 'string' ? { key, name: agent.name } : { key };
}

/** The id of the statement a StatementRef object points to. */
export function statementRefOf(statement: StoredStatement): string | undefined {
  const object = statement.object as { objectType?: string; id?: unknown };
  return object.objectType === 'StatementRef' && typeof object.id === 'string' ? object.id.toLowerCase() : undefined;
}

function responseOf(statement: StoredStatement): string | undefined {
  const response = statement.result?.response;
  return typeof response === 'string' && response.trim() !== '' ? response.slice(0, MAX_TEXT_LENGTH) : undefined;
}

/** An `appealed` statement's parts (any credential may send one: it counts when its actor is the ratee). */
export function appealOf(statement: StoredStatement): { ratingId: string; appellant: Party; grounds: AppealGrounds; reason: string; registration: string } | undefined {
  if (statement.verb.id !== VERB.appealed) return undefined;
  const ratingId = statementRefOf(statement);
  const appellant = agentParty(statement.actor);
  const reason = responseOf(statement);
  const grounds = statement.context?.extensions?.[EXTENSION.appealGrounds];
  const registration = statement.context?.registration;
  if (ratingId === undefined || appellant === undefined || reason === undefined || registration === undefined) return undefined;
  if (!(APPEAL_GROUNDS as readonly unknown[]).includes(grounds)) return undefined;
  return { ratingId, appellant, grounds: grounds as AppealGrounds, reason, registration };
}

/** A `replied` statement's parts (it counts when its actor is the ratee). */
export function replyOf(statement: StoredStatement): { ratingId: string; author: Party; text: string } | undefined {
  if (statement.verb.id !== VERB.replied) return undefined;
  const ratingId = statementRefOf(statement);
  const author = agentParty(statement.actor);
  const text = responseOf(statement);
  if (ratingId === undefined || author === undefined || text === undefined) return undefined;
  return { ratingId, author, text };
}

const DECISION_VERBS: Record<string, DecisionKind> = { [VERB.openedReview]: 'opened-review', [VERB.upheld]: 'upheld', [VERB.dismissed]: 'dismissed' };

/** A moderator's decision about an appeal: only when this plugin recorded it (any credential could send the verbs). */
export function decisionOf(statement: StoredStatement, atSec: number): { appealId: string; decision: Decision } | undefined {
  const kind = DECISION_VERBS[statement.verb.id];
  if (kind === undefined || !recordedByThisPlugin(statement)) return undefined;
  const appealId = statementRefOf(statement);
  const moderator = agentParty(statement.actor);
  if (appealId === undefined || moderator === undefined) return undefined;
  const reason = responseOf(statement);
  return { appealId, decision: { statementId: statement.id.toLowerCase(), kind, moderator, ...(reason !== undefined && { reason }), atSec } };
}

/** Store `moderation-penalties` (derived), id = the `penalized` statement's id: what moderators list and lift. */
export interface PenaltyRecord {
  subject: AgentKey;
  subjectName?: string;
  weightFactor: number;
  from: string;
  until?: string;
  /** The flag statement it confirmed (context.statement), if any. */
  flagStatementId?: string;
  registration: string;
  reason: string;
  penalizedSec: number;
  /** Set once lifted (`lifted-penalty`): top-level, so that `where: { liftedSec: null }` finds the ones in force. */
  liftedSec?: number;
  liftStatementId?: string;
  liftReason?: string;
}

/** A `penalized` statement this plugin recorded. */
export function penaltyOf(statement: StoredStatement, atSec: number): PenaltyRecord | undefined {
  if (statement.verb.id !== VERB.penalized || !recordedByThisPlugin(statement)) return undefined;
  const subject = agentParty(statement.object);
  const terms = statement.result?.extensions?.[EXTENSION.penalty] as { weightFactor?: unknown; from?: unknown; until?: unknown } | undefined;
  const registration = statement.context?.registration;
  if (subject === undefined || registration === undefined || typeof terms?.weightFactor !== 'number' || typeof terms.from !== 'string') return undefined;
  const flagStatementId = statement.context?.statement?.id?.toLowerCase();
  return {
    subject: subject.key,
    ...(subject.name !== undefined && { subjectName: subject.name }),
    weightFactor: terms.weightFactor,
    from: terms.from,
    ...(typeof terms.until === 'string' && { until: terms.until }),
    ...(flagStatementId !== undefined && { flagStatementId }),
    registration,
    reason: responseOf(statement) ?? '',
    penalizedSec: atSec,
  };
}

/** A `lifted-penalty` statement this plugin recorded: the penalty's id and the reason. */
export function liftOf(statement: StoredStatement): { penaltyId: string; reason?: string } | undefined {
  if (statement.verb.id !== VERB.liftedPenalty || !recordedByThisPlugin(statement)) return undefined;
  const penaltyId = statementRefOf(statement);
  if (penaltyId === undefined) return undefined;
  const reason = responseOf(statement);
  return { penaltyId, ...(reason !== undefined && { reason }) };
}
