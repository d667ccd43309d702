/**
 * Whether a new delegation would close a cycle, under the resolution the tally uses: for a
 * proposal of kind K, each member follows their delegation for K when they have one in force,
 * else their general one. A general delegation matters for every kind its delegator has no
 * delegation of its own for; a delegation for K matters only for K.
 */
import { PROPOSAL_KINDS, type ProposalKind, type VoterKey } from '../model';

/** A delegation in force, as the cycle check needs it. */
export interface DelegationEdge {
  delegate: VoterKey;
  /** Every kind when absent. */
  proposalKind?: ProposalKind;
}

/** The delegations in force of one member (at most one per scope). */
export type EdgesOf = (member: VoterKey) => Promise<DelegationEdge[]>;

export interface NewDelegation {
  delegator: VoterKey;
  delegate: VoterKey;
  proposalKind?: ProposalKind;
}

/** The kinds for which `delegation` is its delegator's resolved delegation once granted. */
export function kindsResolvedBy(delegation: NewDelegation, delegatorEdges: DelegationEdge[]): ProposalKind[] {
  if (delegation.proposalKind !== undefined) return [delegation.proposalKind];
  return PROPOSAL_KINDS.filter((kind) => !delegatorEdges.some((edge) => edge.proposalKind === kind));
}

/** The member `member` resolves to for kind `kind`: their delegation for it, else their general one. */
export function resolve(edges: DelegationEdge[], kind: ProposalKind): VoterKey | undefined {
  return (edges.find((edge) => edge.proposalKind === kind) ?? edges.find((edge) => edge.proposalKind === undefined))?.delegate;
}

/**
 * The first kind for which following delegations from the new delegate leads back to the
 * delegator (a cycle the new delegation would close), or undefined. Each member's delegations are
 * read once (`edgesOf`), so a chain of n members costs n reads whatever the kinds.
 */
export async function closedCycle(delegation: NewDelegation, edgesOf: EdgesOf): Promise<ProposalKind | undefined> {
  const read = new Map<VoterKey, Promise<DelegationEdge[]>>();
  const cached: EdgesOf = (member) => {
    if (!read.has(member)) read.set(member, edgesOf(member));
    return read.get(member)!;
  };
  for (const kind of kindsResolvedBy(delegation, await cached(delegation.delegator))) {
    if (await leadsTo(delegation.delegate, delegation.delegator, kind, cached)) return kind;
  }
  return undefined;
}

async function leadsTo(start: VoterKey, target: VoterKey, kind: ProposalKind, edgesOf: EdgesOf): Promise<boolean> {
  const seen = new Set<VoterKey>();
  for (let member: VoterKey | undefined = start; member !== undefined; member = resolve(await edgesOf(member), kind)) {
    if (member === target) return true;
    if (seen.has(member)) return false; // a cycle elsewhere (the tally ignores it): not one through the delegator
    seen.add(member);
  }
  return false;
}
