import { createHash } from 'node:crypto';
import type { Activity, Actor, Context, Statement, StatementObject } from '../types';
import { isSubStatement } from './filter-view';

/**
 * A digest of the parts of a statement that make it "the same statement" under the
 * comparison rules of Data 2.3.1.s9: properties the LRS may assign (id, authority, stored,
 * version), Activity definitions, Verb display, timestamp serialisation and the order of Group
 * members are ignored; every other difference counts. Computed on the statement as received,
 * before the LRS assigns anything, so a client re-sending its statement gets the same digest.
 */
export function statementFingerprint(statement: Statement): string {
  return createHash('sha256').update(stableStringify(comparisonForm(statement))).digest('hex');
}

function comparisonForm(statement: Statement): unknown {
  const { id: _id, authority: _a, stored: _s, version: _v, ...rest } = statement;
  return {
    ...rest,
    actor: actorForm(rest.actor),
    verb: { id: rest.verb.id },
    object: objectForm(rest.object),
    context: contextForm(rest.context),
    timestamp: instantForm(rest.timestamp),
  };
}

function objectForm(object: StatementObject): unknown {
  if (isSubStatement(object)) {
    return {
      ...object,
      actor: actorForm(object.actor),
      verb: { id: object.verb.id },
      object: objectForm(object.object),
      context: contextForm(object.context),
      timestamp: instantForm(object.timestamp),
    };
  }
  if (object.objectType === 'Agent' || object.objectType === 'Group') return actorForm(object);
  if (object.objectType === 'StatementRef') return object;
  return activityForm(object as Activity);
}

function activityForm(activity: Activity): unknown {
  return { objectType: activity.objectType, id: activity.id };
}

function actorForm(actor: Actor | undefined): unknown {
  if (actor === undefined || actor.objectType !== 'Group' || actor.member === undefined) return actor;
  const members = actor.member.map((member) => stableStringify(member)).sort();
  return { ...actor, member: members };
}

function contextForm(context: Context | undefined): unknown {
  if (context === undefined) return undefined;
  const activities = Object.fromEntries(
    Object.entries(context.contextActivities ?? {}).map(([kind, list]) => [
      kind,
      (Array.isArray(list) ? list : [list]).map(activityForm),
    ]),
  );
  return {
    ...context,
    instructor: actorForm(context.instructor),
    team: actorForm(context.team),
    registration: context.registration?.toLowerCase(),
    contextActivities: context.contextActivities === undefined ? undefined : activities,
  };
}

function instantForm(timestamp: string | undefined): number | undefined {
  return timestamp === undefined ? undefined : Date.parse(timestamp);
}

/** JSON with object keys sorted and undefined members left out, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => stableStringify(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
