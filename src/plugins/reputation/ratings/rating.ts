/**
 * What makes a stored `rated` statement a rating (docs/reputation.md, issue 12 "Rules"): rater and
 * ratee Agents with an IFI, never the same, an integer score 1–5, the session in
 * `contextActivities.parent[0]`. A statement that breaks one of these counts nowhere.
 */
import { ifiKey, type StoredStatement } from '../../../plugin-api';
import type { AgentKey, PersonRole, RatingRecord } from '../model';
import { EXTENSION, VERB } from '../vocabulary';

/** A rating as its statement says it, before the ledger decides whether it counts; `storedMs` orders ratings. */
export type RatingFacts = Omit<RatingRecord, 'state' | 'revealAtSec' | 'penaltyPercent'> & { storedMs: number };

export type ParsedRating = { rating: RatingFacts } | { notARating: string };

export const MAX_COMMENT_CHARS = 1000;
export const MAX_DIMENSIONS = 12;
const MAX_NAME_CHARS = 200;
/** Dimension names become keys of a stored document: no `.`, no leading `$`, no NUL, bounded. */
const DIMENSION_NAME = /^[^.$\u0000][^.\u0000]{0,63}$/;
const ROLES: readonly PersonRole[] = ['tutor', 'student', 'peer'];

export function secondsOf(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The key of an Agent (not a Group) with an IFI, undefined for anything else. */
export function agentKeyOf(actor: unknown): AgentKey | undefined {
  if (!isObject(actor) || (actor.objectType !== undefined && actor.objectType !== 'Agent')) return undefined;
  return ifiKey(actor);
}

/** The rating a `rated` statement is, with `stored` (never the client's timestamp) as its time; or why it is none. */
export function parseRating(statement: StoredStatement, stored: Date): ParsedRating {
  if (statement.verb.id !== VERB.rated) return { notARating: 'its verb is not rated' };
  const rater = agentKeyOf(statement.actor);
  if (rater === undefined) return { notARating: 'the rater (actor) is not an Agent with an IFI' };
  const object = statement.object as unknown as Record<string, unknown>;
  if (object.objectType !== 'Agent') return { notARating: 'the object is not an Agent' };
  const ratee = agentKeyOf(object);
  if (ratee === undefined) return { notARating: 'the ratee (object) has no IFI' };
  if (ratee === rater) return { notARating: 'a rating of oneself' };
  const score = statement.result?.score?.raw;
  if (!isScore(score)) return { notARating: 'result.score.raw is not an integer from 1 to 5' };
  const parent = statement.context?.contextActivities?.parent;
  const session = (Array.isArray(parent) ? parent[0] : parent)?.id;
  if (typeof session !== 'string' || session === '') return { notARating: 'no session in context.contextActivities.parent[0]' };
  const extensions = statement.context?.extensions ?? {};
  const comment = statement.result?.response;
  const dimensions = dimensionsOf(statement.result?.extensions?.[EXTENSION.ratingDimensions]);
  return {
    rating: dropUndefined({
      rater,
      ratee,
      raterName: nameOf(statement.actor),
      rateeName: nameOf(object),
      session,
      caseId: caseIdOf(session, rater, ratee),
      score,
      comment: typeof comment === 'string' && comment !== '' ? comment.slice(0, MAX_COMMENT_CHARS).toWellFormed() : undefined,
      dimensions,
      raterRole: roleOf(extensions[EXTENSION.raterRole]),
      rateeRole: roleOf(extensions[EXTENSION.rateeRole]),
      storedSec: secondsOf(stored),
      storedMs: stored.getTime(),
    }),
  };
}

/** Both directions of one pair in one session: the session, then the two keys in byte order. */
export function caseIdOf(session: string, one: AgentKey, other: AgentKey): string {
  const [first, second] = pairOf(one, other);
  return `${session}\n${first}\n${second}`;
}

/** The two keys of a pair in byte order. */
export function pairOf(one: AgentKey, other: AgentKey): [AgentKey, AgentKey] {
  return Buffer.compare(Buffer.from(one), Buffer.from(other)) <= 0 ? [one, other] : [other, one];
}

function isScore(value: unknown): value is RatingFacts['score'] {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5;
}

function roleOf(value: unknown): PersonRole {
  return ROLES.includes(value as PersonRole) ? (value as PersonRole) : 'peer';
}

/** Only integer 1–5 values under storable names, at most MAX_DIMENSIONS of them. */
function dimensionsOf(value: unknown): Record<string, number> | undefined {
  if (!isObject(value) || Array.isArray(value)) return undefined;
  const kept = Object.entries(value)
    .filter(([name, score]) => DIMENSION_NAME.test(name) && name.isWellFormed() && isScore(score))
    .slice(0, MAX_DIMENSIONS);
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

function nameOf(actor: unknown): string | undefined {
  const name = isObject(actor) ? actor.name : undefined;
  return typeof name === 'string' && name !== '' ? name.slice(0, MAX_NAME_CHARS).toWellFormed() : undefined;
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
