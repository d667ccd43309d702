/**
 * Liquid delegation. Each member follows one delegation for a proposal: their latest (highest
 * position) whose proposalKind is the proposal's kind, else their latest general one. A member
 * without a counted ballot of their own takes the ballot of the first member with one along the
 * chain of delegations; a cycle, a member who is not eligible or a member without a delegation ends
 * the chain, uncounted. Every member is walked once (the walk's end is remembered for every member
 * on it) and iteratively, so chains of any length cost linear time and no stack.
 */
import type { ProposalKind } from '../model';
import type { DelegationEntry } from './types';

/** A delegated vote: the member whose ballot counts, and the chain in short ([delegate] or [delegate, member reached]). */
export interface DelegatedVote {
  reached: string;
  via: string[];
}

/** Each delegator's delegate for a proposal of `kind`. */
export function delegatesFor(delegations: readonly DelegationEntry[], kind: ProposalKind): Map<string, string> {
  const topical = new Map<string, DelegationEntry>();
  const general = new Map<string, DelegationEntry>();
  for (const delegation of delegations) {
    const scope = delegation.proposalKind === undefined ? general : delegation.proposalKind === kind ? topical : undefined;
    const current = scope?.get(delegation.delegator);
    if (scope && (!current || later(delegation, current))) scope.set(delegation.delegator, delegation);
  }
  const delegates = new Map<string, string>();
  for (const [delegator, delegation] of general) delegates.set(delegator, delegation.delegate);
  for (const [delegator, delegation] of topical) delegates.set(delegator, delegation.delegate);
  return delegates;
}

function later(one: DelegationEntry, other: DelegationEntry): boolean {
  return one.position !== other.position ? one.position > other.position : one.delegate > other.delegate;
}

/** The members with a counted ballot of their own (the map of their ballots will do). */
type Voted = Pick<ReadonlySet<string>, 'has'>;

/** Marks the members on the walk under way: meeting one again is a cycle. */
const WALKING = Symbol('walking');
type Reached = Map<string, string | null | typeof WALKING>;

/** The delegated vote of every eligible member without a ballot of their own whose chain reaches a member with one. */
export function resolveDelegations(
  eligible: ReadonlySet<string>,
  voted: Voted,
  delegates: ReadonlyMap<string, string>,
): Map<string, DelegatedVote> {
  const reached: Reached = new Map();
  for (const member of eligible) {
    if (!voted.has(member) && !reached.has(member)) walk(member, eligible, voted, delegates, reached);
  }
  const votes = new Map<string, DelegatedVote>();
  for (const [member, end] of reached) {
    if (typeof end !== 'string') continue;
    const delegate = delegates.get(member)!;
    votes.set(member, { reached: end, via: delegate === end ? [end] : [delegate, end] });
  }
  return votes;
}

/** Follows the chain from `start`, then records where it ended (a member who voted, or null) for every member on it. */
function walk(start: string, eligible: ReadonlySet<string>, voted: Voted, delegates: ReadonlyMap<string, string>, reached: Reached): void {
  const path: string[] = [];
  let node: string | undefined = start;
  let end: string | null = null;
  while (node !== undefined && eligible.has(node)) {
    if (voted.has(node)) {
      end = node;
      break;
    }
    const known = reached.get(node);
    if (known !== undefined) {
      end = known === WALKING ? null : known;
      break;
    }
    reached.set(node, WALKING);
    path.push(node);
    node = delegates.get(node);
  }
  for (const member of path) reached.set(member, end);
}
