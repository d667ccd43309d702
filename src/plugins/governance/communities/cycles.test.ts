/**
 * The delegation cycle check alone (pure, no storage): the tally's resolution (a member's
 * delegation for the proposal's kind, else their general one), kinds a general delegation matters
 * for, and one read per member on long chains.
 */
import { PROPOSAL_KINDS } from '../model';
import { closedCycle, kindsResolvedBy, resolve, type DelegationEdge } from './cycles';

function graph(edges: Record<string, DelegationEdge[]>) {
  const reads: string[] = [];
  return { reads, edgesOf: async (member: string) => (reads.push(member), edges[member] ?? []) };
}

describe('the delegation cycle check', () => {
  it('resolves a kind to its own delegation, else the general one', () => {
    const edges: DelegationEdge[] = [{ delegate: 'general' }, { delegate: 'policy', proposalKind: 'policy' }];
    expect(resolve(edges, 'policy')).toBe('policy');
    expect(resolve(edges, 'standard')).toBe('general');
    expect(resolve([{ delegate: 'policy', proposalKind: 'policy' }], 'standard')).toBeUndefined();
  });

  it('a general delegation matters for the kinds its delegator has no delegation of its own for', () => {
    expect(kindsResolvedBy({ delegator: 'a', delegate: 'b' }, [{ delegate: 'c', proposalKind: 'policy' }])).toEqual(PROPOSAL_KINDS.filter((kind) => kind !== 'policy'));
    expect(kindsResolvedBy({ delegator: 'a', delegate: 'b', proposalKind: 'standard' }, [])).toEqual(['standard']);
  });

  it('finds the kind a cycle closes for, and none through a cycle elsewhere', async () => {
    expect(await closedCycle({ delegator: 'a', delegate: 'b' }, graph({ b: [{ delegate: 'c' }], c: [{ delegate: 'a' }] }).edgesOf)).toBe(PROPOSAL_KINDS[0]);
    expect(await closedCycle({ delegator: 'a', delegate: 'b', proposalKind: 'policy' }, graph({ b: [{ delegate: 'a' }] }).edgesOf)).toBe('policy');
    expect(await closedCycle({ delegator: 'a', delegate: 'b', proposalKind: 'policy' }, graph({ b: [{ delegate: 'a', proposalKind: 'standard' }] }).edgesOf)).toBeUndefined();
    expect(await closedCycle({ delegator: 'a', delegate: 'b' }, graph({ b: [{ delegate: 'c' }], c: [{ delegate: 'b' }] }).edgesOf)).toBeUndefined();
    // With A → C for policy, B → A closes a cycle for every kind but policy: the first of them is named.
    const shadowed = graph({ a: [{ delegate: 'c', proposalKind: 'policy' }], b: [{ delegate: 'z' }] });
    expect(await closedCycle({ delegator: 'b', delegate: 'a' }, shadowed.edgesOf)).toBeUndefined(); // A has no general one: nothing leads back
    const back = graph({ a: [{ delegate: 'b' }, { delegate: 'c', proposalKind: 'policy' }] });
    expect(await closedCycle({ delegator: 'b', delegate: 'a', proposalKind: 'policy' }, back.edgesOf)).toBeUndefined();
    expect(await closedCycle({ delegator: 'b', delegate: 'a', proposalKind: 'standard' }, back.edgesOf)).toBe('standard');
  });

  it('reads each member once on a chain of 10,000, whatever the kinds checked', async () => {
    const size = 10_000;
    const edges: Record<string, DelegationEdge[]> = {};
    for (let index = 1; index < size; index += 1) edges[`m${index}`] = [{ delegate: `m${index + 1}` }];
    const closing = graph({ ...edges, [`m${size}`]: [{ delegate: 'm0' }] });
    expect(await closedCycle({ delegator: 'm0', delegate: 'm1' }, closing.edgesOf)).toBe(PROPOSAL_KINDS[0]);
    const open = graph(edges);
    expect(await closedCycle({ delegator: 'm0', delegate: 'm1' }, open.edgesOf)).toBeUndefined();
    expect(open.reads.length).toBe(size + 1); // m0 once, m1…m10000 once each, for all five kinds
  });
});
