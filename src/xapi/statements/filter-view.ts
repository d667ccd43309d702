import { actorMatchKeys, isActorObject } from '../actors';
import type { Activity, Context, Statement, StatementObject, SubStatement } from '../types';

/**
 * What the GET filters of Communication 2.1.3 can match in one statement, precomputed at ingest
 * so that every filtered query is an index lookup. A stored statement's view is its own merged
 * with the view of the statement it targets through a StatementRef (2.1.3.s3, recursively): each
 * filter condition is met when the statement or a statement it targets meets it. Short field
 * names keep index entries small.
 */
export interface FilterView {
  /** `agent`: IFI keys of the actor and of an Agent/Group object (with Group members). */
  a: string[];
  /** `agent` + related_agents: also authority, instructor, team and the same inside a SubStatement. */
  r: string[];
  /** `verb`: verb ids. */
  vb: string[];
  /** `activity`: the object's id when the object is an Activity. */
  ac: string[];
  /** `activity` + related_activities: also context activities and the same inside a SubStatement. */
  ra: string[];
  /** `registration`. */
  rg: string[];
}

export const VIEW_FIELDS = ['a', 'r', 'vb', 'ac', 'ra', 'rg'] as const;

export function ownFilterView(statement: Statement): FilterView {
  const { actor, object, context, authority } = statement;
  const agents = unique([...actorMatchKeys(actor), ...objectActorKeys(object)]);
  const activityId = activityIdOf(object);
  const activities = activityId === undefined ? [] : [activityId];
  return {
    a: agents,
    r: unique([...agents, ...actorMatchKeys(authority), ...contextActorKeys(context), ...subStatementAgentKeys(object)]),
    vb: [statement.verb.id],
    ac: activities,
    ra: unique([...activities, ...contextActivityIds(context), ...subStatementActivityIds(object)]),
    rg: context?.registration === undefined ? [] : [context.registration.toLowerCase()],
  };
}

/** The view of a statement that targets a statement with view `target`. */
export function mergeViews(own: FilterView, target: FilterView | undefined): FilterView {
  if (target === undefined) return own;
  const merged = {} as FilterView;
  for (const field of VIEW_FIELDS) merged[field] = unique([...own[field], ...target[field]]);
  return merged;
}

export function sameView(a: FilterView, b: FilterView): boolean {
  return VIEW_FIELDS.every((field) => a[field].length === b[field].length);
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
