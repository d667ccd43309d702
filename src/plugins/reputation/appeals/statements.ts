import { PROFILE_CATEGORY, EXTENSION, VERB } from '../vocabulary';
import type { AppealGrounds } from './records';

/** Who a statement the plugin records is by: an Agent (one IFI, maybe a name). */
export type Actor = { objectType: 'Agent'; name?: string } & Record<string, unknown>;

const contextOf = (registration: string, more: object = {}) => ({
  registration,
  contextActivities: { category: [PROFILE_CATEGORY] },
  ...more,
});

const ref = (id: string) => ({ objectType: 'StatementRef', id });

/** The rated person's reply to a rating (template rating-replied). */
export function replyStatement(actor: Actor, ratingId: string, text: string, registration: string): object {
  return { actor, verb: { id: VERB.replied, display: { en: 'replied to a rating' } }, object: ref(ratingId), result: { response: text }, context: contextOf(registration) };
}

/** The rated person's appeal (template appeal-filed): its id and registration are the appeal's id. */
export function appealStatement(actor: Actor, ratingId: string, appealId: string, grounds: AppealGrounds, reason: string): object {
  return {
    id: appealId,
    actor,
    verb: { id: VERB.appealed, display: { en: 'appealed' } },
    object: ref(ratingId),
    result: { response: reason },
    context: contextOf(appealId, { extensions: { [EXTENSION.appealGrounds]: grounds } }),
  };
}

export function openedReviewStatement(moderator: Actor, appealId: string, registration: string): object {
  return { actor: moderator, verb: { id: VERB.openedReview, display: { en: 'opened review of' } }, object: ref(appealId), context: contextOf(registration) };
}

/** Upheld (templates appeal-upheld) or rejected (appeal-rejected, verb dismissed), with the written reason. */
export function decisionStatement(moderator: Actor, appealId: string, registration: string, upheld: boolean, reason: string): object {
  const verb = upheld ? { id: VERB.upheld, display: { en: 'upheld' } } : { id: VERB.dismissed, display: { en: 'dismissed' } };
  return { actor: moderator, verb, object: ref(appealId), result: { success: upheld, response: reason }, context: contextOf(registration) };
}

/** The voiding statement of an upheld appeal's rating (xAPI voiding: nothing but actor, verb and object). */
export function voidingStatement(moderator: Actor, ratingId: string): object {
  return { actor: moderator, verb: { id: VERB.voided, display: { en: 'voided' } }, object: ref(ratingId) };
}

export interface PenaltyTerms {
  weightFactor: number;
  from: string;
  until?: string;
}

/** A confirmed flag's penalty of one rater (template penalty-applied): context.statement is the flag. */
export function penaltyStatement(moderator: Actor, subject: object, terms: PenaltyTerms, reason: string, flag: { statementId: string; registration: string }): object {
  return {
    actor: moderator,
    verb: { id: VERB.penalized, display: { en: 'penalized' } },
    object: { objectType: 'Agent', ...subject },
    result: { response: reason, extensions: { [EXTENSION.penalty]: terms } },
    context: contextOf(flag.registration, { statement: ref(flag.statementId) }),
  };
}

export function liftStatement(moderator: Actor, penaltyId: string, registration: string, reason: string): object {
  return { actor: moderator, verb: { id: VERB.liftedPenalty, display: { en: 'lifted penalty' } }, object: ref(penaltyId), result: { response: reason }, context: contextOf(registration) };
}
