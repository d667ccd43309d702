import type { StoredStatement } from '../../../plugin-api';
import { ifiDigest } from '../timeline-entries';

type Actor = StoredStatement['actor'];
type Group = Extract<Actor, { objectType: 'Group' }>;
type Agent = Exclude<Actor, Group>;

/**
 * Who stands for anyone but the owner in a shared statement: a fixed, valid xAPI Agent naming
 * nobody. Its account's homePage says that something was left out (so a verifier comparing the
 * statement with its anchoring receipt knows why it differs).
 */
export const SOMEONE_ELSE: Agent = { objectType: 'Agent', account: { homePage: 'https://w3id.org/keiko/profiles/passport/redacted', name: 'someone-else' } };

/**
 * The statement as a share shows it: every Agent or Group that is not one of the owner's
 * identities (`ownIfis`: digests) replaced, wherever a statement names people: actor, Group
 * members, an Agent or Group object, context.instructor and context.team, and the same inside a
 * SubStatement object. A Group that is not the owner's becomes an anonymous Group of the owner's
 * members (its name and IFI name others too); the owner's own Group keeps only the owner's
 * members. Wherever someone was left out, SOMEONE_ELSE stands in (also as a Group member), so a
 * statement holding it is exactly a redacted one. The authority (the institution) stays, and so
 * does free text (a response, extensions), which the share shows as recorded.
 */
export function sharedStatement(statement: StoredStatement, ownIfis: ReadonlySet<string>): StoredStatement {
  const own = (agent: Agent | Group) => {
    const digest = ifiDigest(agent);
    return digest !== undefined && ownIfis.has(digest);
  };
  const person = (actor: Actor): Actor => {
    if (actor.objectType !== 'Group') return own(actor) ? actor : SOMEONE_ELSE;
    const given = actor.member ?? [];
    const members = given.filter(own);
    if (!own(actor)) return { objectType: 'Group', member: [...members, SOMEONE_ELSE] };
    if (members.length === given.length) return actor;
    return { ...actor, member: [...members, SOMEONE_ELSE] };
  };
  return redacted(statement, person) as StoredStatement;
}

type Redactable = Pick<StoredStatement, 'actor' | 'object' | 'context'>;

function redacted<T extends Redactable>(statement: T, person: (actor: Actor) => Actor): T {
  const { object, context } = statement;
  const copy: T = { ...statement, actor: person(statement.actor) };
  if (object.objectType === 'Agent' || object.objectType === 'Group') copy.object = person(object as Actor) as T['object'];
  if (object.objectType === 'SubStatement') copy.object = redacted(object as unknown as Redactable, person) as unknown as T['object'];
  if (context !== undefined) {
    copy.context = { ...context };
    if (context.instructor !== undefined) copy.context.instructor = person(context.instructor);
    if (context.team !== undefined) copy.context.team = person(context.team) as Group;
  }
  return copy;
}
