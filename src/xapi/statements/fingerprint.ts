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

/**
 * JSON with object keys sorted (by UTF-16 code units) and undefined members left out, so equal
 * values give equal text. Iterative (an explicit stack), so any depth is fine, and linear.
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let out = '';
  // The open arrays and objects, innermost last: the container, its sorted member names (objects),
  // the position of the next item or name, and whether a member was written (objects).
  const containers: unknown[] = [];
  const names: (string[] | undefined)[] = [];
  const positions: number[] = [];
  const wrote: boolean[] = [];
  let depth = 0;
  let next: unknown = value;
  for (;;) {
    if (typeof next === 'string') {
      out += JSON.stringify(next);
    } else if (typeof next === 'number') {
      out += Number.isFinite(next) ? String(next) : 'null'; // what JSON.stringify writes, faster
    } else if (next === null || typeof next !== 'object') {
      out += JSON.stringify(next) ?? 'null';
    } else {
      const array = Array.isArray(next);
      out += array ? '[' : '{';
      containers[depth] = next;
      names[depth] = array ? undefined : Object.keys(next).sort();
      positions[depth] = 0;
      wrote[depth] = false;
      depth++;
    }
    // Close finished arrays and objects, then go on with the next item or member.
    for (;;) {
      if (depth === 0) return out;
      const top = depth - 1;
      const keys = names[top];
      let position = positions[top]!;
      if (keys === undefined) {
        const array = containers[top] as unknown[];
        if (position < array.length) {
          if (position > 0) out += ',';
          next = array[position];
          positions[top] = position + 1;
          break;
        }
        out += ']';
      } else {
        const object = containers[top] as Record<string, unknown>;
        while (position < keys.length && object[keys[position]!] === undefined) position++;
        if (position < keys.length) {
          const key = keys[position]!;
          out += `${wrote[top] ? ',' : ''}${JSON.stringify(key)}:`;
          wrote[top] = true;
          next = object[key];
          positions[top] = position + 1;
          break;
        }
        out += '}';
      }
      depth--;
      containers[depth] = undefined;
    }
  }
}
