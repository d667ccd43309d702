import type { Actor, Agent, InverseFunctionalIdentifiers, Statement } from './types';

/**
 * A stable string for an Agent's or Group's inverse functional identifier, used to index and
 * match actors (Communication 2.1.3: Agents and identified Groups are equal when they use the
 * same IFI with equal values). Returns undefined for an anonymous Group.
 */
export function ifiKey(actor: InverseFunctionalIdentifiers): string | undefined {
  if (actor.mbox !== undefined) return `mbox:${normalizeMbox(actor.mbox)}`;
  if (actor.mbox_sha1sum !== undefined) return `sha1:${actor.mbox_sha1sum.toLowerCase()}`;
  if (actor.openid !== undefined) return `openid:${actor.openid}`;
  if (actor.account !== undefined) return `account:${actor.account.homePage}|${actor.account.name}`;
  return undefined;
}

/**
 * The inverse functional identifier an ifiKey stands for (an mbox with its domain as the key
 * lowered it), or undefined for a string that is no such key. An account's homePage is an IRL,
 * which cannot contain `|`, so the first `|` separates it from the name.
 */
export function identifierOfKey(key: string): InverseFunctionalIdentifiers | undefined {
  const colon = key.indexOf(':');
  if (colon < 0) return undefined;
  const [kind, value] = [key.slice(0, colon), key.slice(colon + 1)];
  if (value === '') return undefined;
  if (kind === 'mbox') return { mbox: value };
  if (kind === 'sha1') return { mbox_sha1sum: value };
  if (kind === 'openid') return { openid: value };
  const bar = value.indexOf('|');
  if (kind === 'account' && bar > 0) return { account: { homePage: value.slice(0, bar), name: value.slice(bar + 1) } };
  return undefined;
}

/** The domain part of an e-mail address is case-insensitive (Data 2.3.1). */
function normalizeMbox(mbox: string): string {
  const at = mbox.lastIndexOf('@');
  return at < 0 ? mbox : mbox.slice(0, at) + mbox.slice(at).toLowerCase();
}

/**
 * Keys under which a statement involving this actor is found by the `agent` filter: the actor's
 * own IFI and, for a Group, those of its members (Communication 2.1.3, `agent` parameter).
 */
export function actorMatchKeys(actor: Actor | undefined): string[] {
  if (actor === undefined) return [];
  const keys: string[] = [];
  const own = ifiKey(actor);
  if (own !== undefined) keys.push(own);
  if (actor.objectType === 'Group') {
    for (const member of actor.member ?? []) {
      const key = ifiKey(member);
      if (key !== undefined) keys.push(key);
    }
  }
  return keys;
}

export function isActorObject(object: { objectType?: string }): object is Actor {
  return object.objectType === 'Agent' || object.objectType === 'Group';
}

/** Only the identifying properties of an Agent (format=ids). */
export function agentIdentifiers(agent: Agent): Agent {
  const { objectType, mbox, mbox_sha1sum, openid, account } = agent;
  return dropUndefined({ objectType, mbox, mbox_sha1sum, openid, account });
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Every Agent a statement names as actor, object, instructor or team (Group members included),
 * then those its SubStatement names. A loop rather than recursion: a SubStatement cannot contain
 * another (Data 2.4.4.3.s8.b4), but this never depends on the statement having been validated.
 */
export function agentsIn(statement: Pick<Statement, 'actor' | 'object' | 'context'>): Agent[] {
  const agents: Agent[] = [];
  type Part = Pick<Statement, 'actor' | 'object' | 'context'>;
  for (let part: Part | undefined = statement; part !== undefined; part = part.object.objectType === 'SubStatement' ? part.object : undefined) {
    const { actor, object, context } = part;
    for (const named of [actor, isActorObject(object) ? object : undefined, context?.instructor, context?.team]) {
      addAgentsOf(named, agents);
    }
  }
  return agents;
}

function addAgentsOf(actor: Actor | undefined, agents: Agent[]): void {
  if (actor === undefined) return;
  if (actor.objectType !== 'Group') {
    agents.push(actor);
    return;
  }
  for (const member of actor.member ?? []) agents.push(member);
}
