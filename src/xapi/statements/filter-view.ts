import { actorMatchKeys, isActorObject } from '../actors';
import type { Activity, Context, Statement, StatementObject, SubStatement } from '../types';

/**
 * What the GET filters of Communication 2.1.3 can match in one statement, precomputed at ingest
 * so that every filtered query is an index lookup. A stored statement carries its own view plus
 * the views of the statements it targets through a StatementRef (2.1.3.s3, applied recursively).
 * Short field names keep the index entries small.
 */
export interface FilterView {
  /** `agent`: IFI keys of the actor and of an Agent/Group object (with Group members). */
  a: string[];
  /** `agent` + related_agents: also authority, instructor, team and the same inside a SubStatement. */
  r: string[];
  /** `verb`: the verb id. */
  vb: string;
  /** `activity`: the object's id when the object is an Activity. */
  ac?: string;
  /** `activity` + related_activities: also context activities and the same inside a SubStatement. */
  ra: string[];
  /** `registration`. */
  rg?: string;
}

/** A statement matches a target chain of at most this many hops; deeper chains are cut. */
export const MAX_REFERENCE_DEPTH = 10;

export function ownFilterView(statement: Statement): FilterView {
  const { actor, object, context, authority } = statement;
  const agents = unique([...actorMatchKeys(actor), ...objectActorKeys(object)]);
  const relatedAgents = unique([
    ...agents,
    ...actorMatchKeys(authority),
    ...contextActorKeys(context),
    ...subStatementAgentKeys(object),
  ]);
  const activityId = activityIdOf(object);
  const relatedActivities = unique([
    ...(activityId === undefined ? [] : [activityId]),
    ...contextActivityIds(context),
    ...subStatementActivityIds(object),
  ]);
  const view: FilterView = { a: agents, r: relatedAgents, vb: statement.verb.id, ra: relatedActivities };
  if (activityId !== undefined) view.ac = activityId;
  if (context?.registration !== undefined) view.rg = context.registration.toLowerCase();
  return view;
}

/** The views of a statement that targets `target` (whose views already include its own targets). */
export function combineViews(own: FilterView, targetViews: FilterView[] = []): FilterView[] {
  return [own, ...targetViews].slice(0, MAX_REFERENCE_DEPTH + 1);
}

function objectActorKeys(object: StatementObject): string[] {
  return isActorObject(object) ? actorMatchKeys(object) : [];
}

function contextActorKeys(context: Context | undefined): string[] {
  return [...actorMatchKeys(context?.instructor), ...actorMatchKeys(context?.team)];
}

function subStatementAgentKeys(object: StatementObject): string[] {
  if (!isSubStatement(object)) return [];
  return [...actorMatchKeys(object.actor), ...objectActorKeys(object.object), ...contextActorKeys(object.context)];
}

function subStatementActivityIds(object: StatementObject): string[] {
  if (!isSubStatement(object)) return [];
  const inner = activityIdOf(object.object);
  return [...(inner === undefined ? [] : [inner]), ...contextActivityIds(object.context)];
}

function activityIdOf(object: StatementObject): string | undefined {
  return object.objectType === undefined || object.objectType === 'Activity' ? (object as Activity).id : undefined;
}

function contextActivityIds(context: Context | undefined): string[] {
  const groups = Object.values(context?.contextActivities ?? {});
  return groups.flatMap((group) => (Array.isArray(group) ? group : [group]).map((activity) => activity.id));
}

export function isSubStatement(object: StatementObject): object is SubStatement {
  return object.objectType === 'SubStatement';
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
