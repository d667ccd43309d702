/**
 * Who took part in a session, as institutions assert it (issue 12: a rating counts only between
 * people who shared a real session): the actors and `context.instructor` (an Agent, or each
 * identified member of a Group) of `attended` / `completed` statements whose object is the session.
 * Whether the statement's credential speaks for an institution is the ledger's question.
 */
import type { StoredStatement } from '../../../plugin-api';
import type { AgentKey } from '../model';
import { VERB } from '../vocabulary';
import { agentKeyOf, isObject } from './rating';

export interface AttendanceFacts {
  session: string;
  participants: AgentKey[];
}

/** Members of a Group beyond this are not read (a walk over untrusted JSON stays bounded). */
const MAX_MEMBERS = 1000;

export function parseAttendance(statement: StoredStatement): AttendanceFacts | undefined {
  if (statement.verb.id !== VERB.attended && statement.verb.id !== VERB.completed) return undefined;
  const object = statement.object as unknown as Record<string, unknown>;
  if ((object.objectType !== undefined && object.objectType !== 'Activity') || typeof object.id !== 'string') return undefined;
  const participants = new Set([...keysOf(statement.actor), ...keysOf(statement.context?.instructor)]);
  return participants.size === 0 ? undefined : { session: object.id, participants: [...participants] };
}

function keysOf(actor: unknown): AgentKey[] {
  if (!isObject(actor)) return [];
  if (actor.objectType !== 'Group') return [agentKeyOf(actor)].filter((key): key is AgentKey => key !== undefined);
  const members: unknown[] = Array.isArray(actor.member) ? actor.member.slice(0, MAX_MEMBERS) : [];
  return members.map(agentKeyOf).filter((key): key is AgentKey => key !== undefined);
}
