/**
 * Penalties (issue 12: a confirmed fraud signal reduces weights, recorded as a statement): a
 * `penalized` statement recorded by this plugin names the rater and `{weightFactor, from, until?}`;
 * every rating that rater stored in [from, until) weighs round(weightFactor × 100) percent (the
 * smallest of the penalties covering it). A `lifted-penalty` statement recorded by this plugin,
 * object a StatementRef to the penalty, removes it.
 */
import type { StoredStatement } from '../../../plugin-api';
import type { AgentKey } from '../model';
import { EXTENSION, recordedByThisPlugin, VERB } from '../vocabulary';
import { agentKeyOf, isObject, secondsOf } from './rating';

export interface PenaltyFacts {
  rater: AgentKey;
  percent: number;
  fromSec: number;
  untilSec?: number;
}

export const FULL_WEIGHT_PERCENT = 100;

export function parsePenalty(statement: StoredStatement): PenaltyFacts | undefined {
  if (statement.verb.id !== VERB.penalized || !recordedByThisPlugin(statement)) return undefined;
  const rater = agentKeyOf(statement.object);
  const penalty: unknown = statement.result?.extensions?.[EXTENSION.penalty];
  if (rater === undefined || !isObject(penalty)) return undefined;
  const { weightFactor } = penalty;
  const fromSec = secondsOfTime(penalty.from);
  const untilSec = penalty.until === undefined ? undefined : secondsOfTime(penalty.until);
  if (typeof weightFactor !== 'number' || !(weightFactor >= 0 && weightFactor <= 1) || typeof fromSec !== 'number' || untilSec === null) return undefined;
  return { rater, percent: Math.round(weightFactor * 100), fromSec, ...(untilSec !== undefined && { untilSec }) };
}

/** The id of the penalty a `lifted-penalty` statement recorded by this plugin lifts. */
export function liftedPenaltyId(statement: StoredStatement): string | undefined {
  if (statement.verb.id !== VERB.liftedPenalty || !recordedByThisPlugin(statement)) return undefined;
  const object = statement.object as unknown as Record<string, unknown>;
  return object.objectType === 'StatementRef' && typeof object.id === 'string' ? object.id : undefined;
}

/** The weight percent of a rating stored at `storedSec` by a rater with these (unlifted) penalties. */
export function penaltyPercentAt(storedSec: number, penalties: PenaltyFacts[]): number {
  return penalties
    .filter((penalty) => penalty.fromSec <= storedSec && (penalty.untilSec === undefined || storedSec < penalty.untilSec))
    .reduce((lowest, penalty) => Math.min(lowest, penalty.percent), FULL_WEIGHT_PERCENT);
}

/** Whole seconds of an ISO 8601 time; undefined when absent, null when unreadable. */
function secondsOfTime(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : secondsOf(time);
}
