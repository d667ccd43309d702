/**
 * The pages' forms read into the bodies the services take (the JSON routes' bodies). The services
 * check everything and answer 400 naming the field; the forms only turn typed text into those
 * shapes: percentages into fractions, UTC times into RFC 3339, comma lists into lists, the ballot
 * form of each voting method into its structured ballot.
 */
import { BadRequestCode, BadRequestError, singleParameters, type Locale } from '../../../plugin-api';
import type { Mechanism, ProposalEffect, VotingRules } from '../model';

type Form = Record<string, unknown>;

export const ABSTAIN = 'abstain';
/** The mechanisms whose ballot is one choice: yes, no (block for consensus) or abstain. */
export const ONE_CHOICE_MECHANISMS: readonly Mechanism[] = ['simple-majority', 'supermajority', 'consensus'];

/** The form's fields given once (`optional`), and the ones that may repeat (`repeated`) as lists; 400 for any other. */
function fieldsOf(body: unknown, optional: readonly string[], repeated: readonly string[] = []): { one: Record<string, string | undefined>; many: Record<string, string[]> } {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Form;
  const single = Object.fromEntries(Object.entries(form).filter(([name]) => !repeated.includes(name) && name !== '_csrf'));
  const many = Object.fromEntries(repeated.map((name) => [name, ([] as unknown[]).concat(form[name] ?? []).map(String)]));
  return { one: singleParameters(single, { resource: 'this form', optional }), many };
}

/** Digits as a number; anything else as typed, for the service to refuse naming the field. */
function numberOrText(text: string | undefined): number | string | undefined {
  return text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text) : text;
}

/** Comma-separated items, trimmed, empty ones left out. */
export function listOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A text in the page's language, absent when left empty. */
function inLocale(text: string | undefined, locale: Locale): Partial<Record<Locale, string>> | undefined {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? undefined : { [locale]: trimmed };
}

/** A percentage typed as 50, 66.67 or 66,67 as the exact fraction (0.6667), by moving the decimal point in the text. */
export function fractionOf(text: string | undefined, field: string): number {
  const match = /^(\d{1,3})(?:[.,](\d{1,4}))?$/.exec((text ?? '').trim());
  if (match === null) throw new BadRequestError(BadRequestCode.InvalidParameter, `${field} must be a percentage such as 50 or 66.67`);
  const whole = match[1]!.padStart(3, '0');
  return Number(`${whole.slice(0, -2)}.${whole.slice(-2)}${match[2] ?? ''}`);
}

/** A datetime-local value read as UTC, as RFC 3339; anything else as typed (the service names the field). */
export function utcInstantOf(text: string | undefined): string | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(trimmed);
  return match === null ? trimmed : `${match[1]}${match[2] ?? ':00'}.000Z`;
}

/** The found form: slug, and name and description in the page's language. */
export function foundInput(body: unknown, locale: Locale): object {
  const { one } = fieldsOf(body, ['slug', 'name', 'description']);
  return { slug: one.slug?.trim(), name: inLocale(one.name, locale) ?? {}, description: inLocale(one.description, locale) ?? {} };
}

/** The delegate form: the chosen member's key and the scope (every kind when `all`). */
export function delegationChoice(body: unknown): { delegate: string; proposalKind?: string } {
  const { one } = fieldsOf(body, ['delegate', 'proposalKind']);
  if (!one.delegate) throw new BadRequestError(BadRequestCode.InvalidParameter, 'delegate: choose a member');
  return { delegate: one.delegate, ...(one.proposalKind && one.proposalKind !== 'all' && { proposalKind: one.proposalKind }) };
}

export const PROPOSAL_FIELDS = [
  'title', 'description', 'kind', 'mechanism', 'options', 'quorum', 'threshold', 'opensAt', 'closesAt', 'ballotPrivacy',
  'scoreMin', 'scoreMax', 'effect', 'effectRule', 'effectRuleName', 'effectCommunity', 'verbs', 'activityTypes', 'credentialTypes', 'supersedes',
] as const;

/** The choices a proposal offers: yes/no (and block for consensus) or the typed options; abstaining is always possible. */
export function choicesOf(mechanism: string | undefined, options: string | undefined): string[] {
  if (mechanism === 'consensus') return ['yes', 'no', 'block', ABSTAIN];
  if ((ONE_CHOICE_MECHANISMS as readonly string[]).includes(mechanism ?? '')) return ['yes', 'no', ABSTAIN];
  return [...listOf(options).filter((option) => option !== ABSTAIN), ABSTAIN];
}

/** The new-proposal form as POST /communities/:slug/proposals takes it. */
export function proposalInput(body: unknown, locale: Locale): object {
  const { one } = fieldsOf(body, PROPOSAL_FIELDS);
  const opensAt = utcInstantOf(one.opensAt);
  const rules = {
    mechanism: one.mechanism,
    quorum: fractionOf(one.quorum, 'quorum'),
    threshold: fractionOf(one.threshold, 'threshold'),
    ...(opensAt !== undefined && { opensAt }),
    closesAt: utcInstantOf(one.closesAt),
    ballotPrivacy: one.ballotPrivacy,
    choices: choicesOf(one.mechanism, one.options),
    ...(one.mechanism === 'score' && { scoreRange: { min: numberOrText(one.scoreMin), max: numberOrText(one.scoreMax) } }),
  };
  const effect = effectOf(one);
  const supersedes = one.supersedes?.trim();
  return {
    title: inLocale(one.title, locale) ?? {},
    description: inLocale(one.description, locale) ?? {},
    kind: one.kind,
    rules,
    ...(effect !== undefined && { effect }),
    ...(supersedes && { supersedes }),
  };
}

/** Lists given in the form, empty ones left out (an absent list means "any"). */
function listsOf(one: Record<string, string | undefined>, fields: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(fields.map((field) => [field, listOf(one[field])]).filter(([, list]) => list!.length > 0));
}

function effectOf(one: Record<string, string | undefined>): ProposalEffect | Record<string, unknown> | undefined {
  const rule = one.effectRule?.trim() ?? '';
  const community = one.effectCommunity?.trim() ?? '';
  switch (one.effect) {
    case undefined:
    case '':
    case 'none':
      return undefined;
    case 'adopt-rule':
      return { type: 'adopt-rule', rule, name: { en: one.effectRuleName?.trim() || rule }, criteria: listsOf(one, ['verbs', 'activityTypes']) };
    case 'retire-rule':
      return { type: 'retire-rule', rule };
    case 'recognize':
      return { type: 'recognize', community, scope: listsOf(one, ['verbs', 'activityTypes', 'credentialTypes']) };
    case 'withdraw-recognition':
      return { type: 'withdraw-recognition', community };
    default:
      return { type: one.effect };
  }
}

/** The score inputs are named by the option's position (ids may hold any character). */
export const scoreField = (index: number) => `score${index}`;
/** How many ranking selects an instant-runoff ballot has: one per option. */
export const RANK_FIELD = 'ranking';

/**
 * The vote form of `rules`' mechanism as the structured ballot POST /proposals/:id/ballots takes:
 * `{ choice }` (radio buttons), `{ approve }` (checkboxes), `{ ranking }` (ordered selects, empty
 * ones left out), `{ scores }` (number inputs), or an abstention (the form's abstain button).
 */
export function ballotInput(body: unknown, rules: VotingRules): object {
  const options = rules.choices.filter((choice) => choice !== ABSTAIN);
  const { one, many } = fieldsOf(body, ['choice', 'abstain', ...options.map((_, index) => scoreField(index))], ['approve', RANK_FIELD]);
  if (one.abstain !== undefined) return { response: ABSTAIN };
  switch (rules.mechanism) {
    case 'approval':
      return { approve: many.approve };
    case 'instant-runoff':
      return { ranking: many[RANK_FIELD]!.filter((choice) => choice !== '') };
    case 'score':
      return { scores: Object.fromEntries(options.map((option, index) => [option, numberOrText(one[scoreField(index)])])) };
    default:
      return { choice: one.choice };
  }
}
