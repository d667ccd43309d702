/**
 * Reading a proposal's submission and a ballot: every field checked, each refusal a 400 with a
 * stable code and a message naming the field (docs/governance.md, "Submitting a proposal").
 */
import { BadRequestError, localizedTextField, objectFields, type LocalizedText } from '../../../plugin-api';
import { MECHANISMS, PROPOSAL_KINDS, type Mechanism, type ProposalEffect, type ProposalKind, type RecognitionScope, type RuleCriteria, type VotingRules } from '../model';
import { ProposalCode } from './codes';

const MINUTE_MS = 60_000;
const YEAR_MS = 366 * 24 * 60 * MINUTE_MS;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{2,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const SALT = /^[A-Za-z0-9_-]{22,128}$/;
const MAX_TITLE = 200;
const MAX_DESCRIPTION = 10_000;
const MAX_CHOICES = 100;
const MAX_URIS = 200;
const YES_NO: Partial<Record<Mechanism, string[]>> = {
  'simple-majority': ['yes', 'no', 'abstain'],
  supermajority: ['yes', 'no', 'abstain'],
  consensus: ['yes', 'no', 'block', 'abstain'],
};
const EFFECT_KIND: Record<ProposalEffect['type'], ProposalKind> = {
  'adopt-rule': 'rule-change',
  'retire-rule': 'rule-change',
  recognize: 'recognition',
  'withdraw-recognition': 'recognition',
};

/** What POST /communities/:slug/proposals asks for, checked (the community's and supersedes' existence are the caller's). */
export interface Submission {
  title: LocalizedText;
  description: LocalizedText;
  kind: ProposalKind;
  rules: VotingRules;
  effect?: ProposalEffect;
  supersedes?: string;
}

const SUBMISSION_FIELDS = ['title', 'description', 'kind', 'rules', 'effect', 'supersedes', 'actor'];
const RULES_FIELDS = ['mechanism', 'quorum', 'threshold', 'opensAt', 'closesAt', 'ballotPrivacy', 'choices', 'scoreRange'];

export function parseSubmission(body: unknown, nowMs: number): Submission {
  const input = objectFields(body, ProposalCode.InvalidProposal, { known: SUBMISSION_FIELDS });
  const kind = oneOf(input.kind, PROPOSAL_KINDS, 'kind', ProposalCode.InvalidProposal);
  const submission: Submission = {
    title: localized(input.title, 'title', MAX_TITLE, true),
    description: localized(input.description, 'description', MAX_DESCRIPTION, false),
    kind,
    rules: parseRules(input.rules, nowMs),
  };
  if (input.effect !== undefined) submission.effect = parseEffect(input.effect);
  const effectKind = submission.effect && EFFECT_KIND[submission.effect.type];
  if (effectKind !== undefined && effectKind !== kind) fail(ProposalCode.InvalidEffect, `effect.type ${submission.effect!.type} needs kind ${effectKind}, not ${kind}`);
  if (effectKind === undefined && (kind === 'rule-change' || kind === 'recognition')) fail(ProposalCode.InvalidEffect, `a ${kind} proposal needs an effect saying what it changes`);
  if (input.supersedes !== undefined) {
    if (typeof input.supersedes !== 'string' || !UUID.test(input.supersedes)) fail(ProposalCode.InvalidProposal, 'supersedes must be the UUID of an adopted proposal');
    submission.supersedes = (input.supersedes as string).toLowerCase();
  }
  return submission;
}

function parseRules(value: unknown, nowMs: number): VotingRules {
  const code = ProposalCode.InvalidVotingRules;
  const input = objectFields(value, code, { known: RULES_FIELDS, path: 'rules' });
  const mechanism = oneOf(input.mechanism, MECHANISMS, 'rules.mechanism', code);
  const quorum = fraction(input.quorum, 'rules.quorum');
  const threshold = fraction(input.threshold, 'rules.threshold');
  if (mechanism === 'simple-majority' && threshold !== 0.5) fail(code, 'rules.threshold must be 0.5 for simple-majority (support > half)');
  if (mechanism === 'supermajority' && !(threshold > 0.5)) fail(code, 'rules.threshold must be above 0.5 for supermajority');
  const opensAtMs = input.opensAt === undefined ? nowMs : instant(input.opensAt, 'rules.opensAt');
  const closesAtMs = instant(input.closesAt, 'rules.closesAt');
  if (opensAtMs < nowMs - MINUTE_MS) fail(code, 'rules.opensAt must not be in the past (at most a minute ago)');
  if (opensAtMs > nowMs + YEAR_MS) fail(code, 'rules.opensAt must be within a year');
  if (closesAtMs <= opensAtMs) fail(code, 'rules.closesAt must be after rules.opensAt');
  if (closesAtMs - opensAtMs > YEAR_MS) fail(code, 'rules.closesAt must be at most a year after rules.opensAt');
  const ballotPrivacy = input.ballotPrivacy === undefined ? 'public' : oneOf(input.ballotPrivacy, ['public', 'commitment'] as const, 'rules.ballotPrivacy', code);
  const rules: VotingRules = {
    mechanism,
    quorum,
    threshold,
    opensAt: new Date(opensAtMs).toISOString(),
    closesAt: new Date(closesAtMs).toISOString(),
    ballotPrivacy,
    choices: choices(input.choices, mechanism),
  };
  if (mechanism === 'score') rules.scoreRange = scoreRange(input.scoreRange);
  else if (input.scoreRange !== undefined) fail(code, 'rules.scoreRange is for the score mechanism only');
  return rules;
}

/** A fraction in [0, 1] with at most 6 decimals (compared exactly by the tally). */
function fraction(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1 || Math.round(value * 1e6) / 1e6 !== value) {
    fail(ProposalCode.InvalidVotingRules, `${field} must be a number from 0 to 1 with at most 6 decimals`);
  }
  return value as number;
}

function choices(value: unknown, mechanism: Mechanism): string[] {
  const code = ProposalCode.InvalidVotingRules;
  const allowed = YES_NO[mechanism];
  if (value === undefined && allowed !== undefined) return allowed;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CHOICES) fail(code, `rules.choices must be a list of 1 to ${MAX_CHOICES} choice ids`);
  const ids = value as unknown[];
  for (const id of ids) if (typeof id !== 'string' || !ID.test(id)) fail(code, `rules.choices must hold ids such as option-a (lowercase letters, digits, hyphens), not ${described(id)}`);
  if (new Set(ids).size !== ids.length) fail(code, 'rules.choices lists a choice twice');
  const list = ids as string[];
  if (allowed !== undefined) {
    const stray = list.find((id) => !allowed.includes(id));
    if (stray !== undefined) fail(code, `rules.choices of ${mechanism} may only be ${allowed.join(', ')}, not ${stray}`);
    if (!list.includes('yes') || !list.includes('no')) fail(code, `rules.choices of ${mechanism} must include yes and no`);
  } else if (list.filter((id) => id !== 'abstain').length < 2) {
    fail(code, `rules.choices of ${mechanism} needs at least 2 options besides abstain`);
  }
  return list;
}

function scoreRange(value: unknown): { min: number; max: number } {
  const code = ProposalCode.InvalidVotingRules;
  const input = objectFields(value, code, { known: ['min', 'max'], path: 'rules.scoreRange' });
  const { min, max } = input;
  if (!Number.isInteger(min) || !Number.isInteger(max) || (min as number) < 0 || (max as number) > 100 || (min as number) >= (max as number)) {
    fail(code, 'rules.scoreRange needs integers 0 ≤ min < max ≤ 100');
  }
  return { min: min as number, max: max as number };
}

function parseEffect(value: unknown): ProposalEffect {
  const code = ProposalCode.InvalidEffect;
  const input = objectFields(value, code, { path: 'effect' });
  const type = oneOf(input.type, ['adopt-rule', 'retire-rule', 'recognize', 'withdraw-recognition'] as const, 'effect.type', code);
  switch (type) {
    case 'adopt-rule':
      objectFields(input, code, { known: ['type', 'rule', 'name', 'criteria'], path: 'effect' });
      return { type, rule: slug(input.rule, 'effect.rule'), name: localized(input.name, 'effect.name', MAX_TITLE, true, code), criteria: criteria(input.criteria) };
    case 'retire-rule':
      objectFields(input, code, { known: ['type', 'rule'], path: 'effect' });
      return { type, rule: slug(input.rule, 'effect.rule') };
    case 'recognize':
      objectFields(input, code, { known: ['type', 'community', 'scope'], path: 'effect' });
      return { type, community: slug(input.community, 'effect.community'), scope: recognitionScope(input.scope) };
    case 'withdraw-recognition':
      objectFields(input, code, { known: ['type', 'community'], path: 'effect' });
      return { type, community: slug(input.community, 'effect.community') };
  }
}

/** The profile's rule-criteria: at least one of verbs, activityTypes, authorities (IRIs), minScaledScore in [-1, 1]. */
function criteria(value: unknown): RuleCriteria {
  const input = objectFields(value, ProposalCode.InvalidEffect, { known: ['verbs', 'activityTypes', 'authorities', 'minScaledScore'], path: 'effect.criteria' });
  const result: RuleCriteria = {};
  for (const field of ['verbs', 'activityTypes', 'authorities'] as const) if (input[field] !== undefined) result[field] = iris(input[field], `effect.criteria.${field}`);
  if (input.minScaledScore !== undefined) {
    const score = input.minScaledScore;
    if (typeof score !== 'number' || !(score >= -1 && score <= 1)) fail(ProposalCode.InvalidEffect, 'effect.criteria.minScaledScore must be a number from -1 to 1');
    result.minScaledScore = score as number;
  }
  if (Object.keys(result).length === 0) fail(ProposalCode.InvalidEffect, 'effect.criteria must name verbs, activityTypes, authorities or minScaledScore');
  return result;
}

/** The profile's recognition-scope: at least one of verbs, activityTypes, credentialTypes (IRIs). */
function recognitionScope(value: unknown): RecognitionScope {
  const input = objectFields(value, ProposalCode.InvalidEffect, { known: ['verbs', 'activityTypes', 'credentialTypes'], path: 'effect.scope' });
  const result: RecognitionScope = {};
  for (const field of ['verbs', 'activityTypes', 'credentialTypes'] as const) if (input[field] !== undefined) result[field] = iris(input[field], `effect.scope.${field}`);
  if (Object.keys(result).length === 0) fail(ProposalCode.InvalidEffect, 'effect.scope must name verbs, activityTypes or credentialTypes');
  return result;
}

function iris(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_URIS) fail(ProposalCode.InvalidEffect, `${field} must be a list of 1 to ${MAX_URIS} IRIs`);
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || item.length > 2048 || !isAbsoluteIri(item)) fail(ProposalCode.InvalidEffect, `${field} must hold absolute IRIs, not ${described(item)}`);
  }
  if (new Set(value as string[]).size !== (value as string[]).length) fail(ProposalCode.InvalidEffect, `${field} lists an IRI twice`);
  return value as string[];
}

function isAbsoluteIri(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function slug(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SLUG.test(value)) fail(ProposalCode.InvalidEffect, `${field} must be a slug such as open-badges (3 to 64 lowercase letters, digits, hyphens)`);
  return value as string;
}

/** A salt a voter chose for a sealed ballot (the profile's ballot-salt: 22 to 128 of A-Z a-z 0-9 _ -). */
export function parseSalt(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SALT.test(value)) fail(ProposalCode.InvalidBallot, 'salt must be 22 to 128 characters of A-Z, a-z, 0-9, _ and -');
  return value as string;
}

/** An RFC 3339 date-time with Z or an offset, as ms since the epoch. */
function instant(value: unknown, field: string): number {
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  const ms = match === null ? NaN : Date.parse(value as string);
  const [, year, month, day, hour, minute, second] = match ?? [];
  const valid = Number.isFinite(ms) && Number(month) >= 1 && Number(month) <= 12 && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60 && Number(day) <= daysIn(Number(year), Number(month));
  if (!valid) fail(ProposalCode.InvalidVotingRules, `${field} must be an RFC 3339 date-time with Z or an offset, e.g. 2027-03-10T17:00:00Z`);
  return ms;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Texts in English and Spanish ({ en: '…', es: '…' }, at least one), or a plain string taken as English. */
function localized(value: unknown, field: string, max: number, required: boolean, code: string = ProposalCode.InvalidProposal): LocalizedText {
  if (value === undefined && !required) return {} as LocalizedText;
  return localizedTextField(typeof value === 'string' ? { en: value } : value, field, code, { max, required }) as LocalizedText;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, code: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) fail(code, `${field} must be one of ${allowed.join(', ')}, not ${described(value)}`);
  return value as T;
}

export function described(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 40);
}

export function fail(code: string, message: string): never {
  throw new BadRequestError(code, message);
}

const BALLOT_FORMS = ['response', 'choice', 'approve', 'ranking', 'scores'] as const;
const MAX_RESPONSE = 10_000;

/**
 * The response string a ballot body gives: `response` as xAPI writes it, or one structured form
 * (`choice`, `approve`, `ranking`, `scores`) written the same way. Whether it is a valid answer to
 * the proposal is the tally's parseResponse's to say.
 */
export function ballotResponse(body: Record<string, unknown>): string {
  objectFields(body, ProposalCode.InvalidBallot, { known: [...BALLOT_FORMS, 'salt', 'actor'] });
  const given = BALLOT_FORMS.filter((form) => body[form] !== undefined);
  if (given.length !== 1) fail(ProposalCode.InvalidBallot, `Give exactly one of ${BALLOT_FORMS.join(', ')}`);
  const form = given[0]!;
  const value = body[form];
  switch (form) {
    case 'response':
    case 'choice':
      if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RESPONSE) fail(ProposalCode.InvalidBallot, `${form} must be a non-empty string`);
      return value as string;
    case 'approve':
    case 'ranking':
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CHOICES || !value.every((id) => typeof id === 'string')) {
        fail(ProposalCode.InvalidBallot, `${form} must be a list of 1 to ${MAX_CHOICES} choice ids`);
      }
      return (value as string[]).join('[,]');
    case 'scores': {
      const scores = objectFields(value, ProposalCode.InvalidBallot, { path: 'scores' });
      const entries = Object.entries(scores);
      if (entries.length === 0 || entries.length > MAX_CHOICES) fail(ProposalCode.InvalidBallot, `scores must score 1 to ${MAX_CHOICES} options`);
      for (const [id, score] of entries) if (!Number.isInteger(score)) fail(ProposalCode.InvalidBallot, `scores.${id.slice(0, 40)} must be an integer`);
      return entries.map(([id, score]) => `${id}[.]${score as number}`).join('[,]');
    }
  }
}
