import { hash } from 'node:crypto';
import { tally, type TallyInput, type TallyResult } from '../tally';
import { ballotLeafBytes, codeUnitOrder, decisionLeafBytes, type BallotLeaf } from './leaves';
import { leafHash, MerkleTree, rootFromAuditPath } from './merkle';

/**
 * A closed proposal's ballot set, published so that anyone can recount it, and the Merkle tree of
 * (counted votes, decision) whose root the decision statement carries (docs/governance.md,
 * "Checking that your ballot was counted" and "Recounting").
 */
export type { BallotLeaf, DecisionLeaf } from './leaves';
export { canonicalJson, ballotLeafBytes, decisionLeafBytes } from './leaves';
export { ballotSetAssets, InclusionProofCheck, PROOF_SCRIPT_PATH } from './proof-check';

/** A voter's pseudonym in one proposal's published set: hex SHA-256 of `keiko-governance-voter\n<proposal id>\n<voter key>`. */
export function pseudonym(proposalId: string, voterKey: string): string {
  return hash('sha256', `keiko-governance-voter\n${proposalId}\n${voterKey}`, 'hex');
}

/** The tally's input with every voter as a pseudonym: what anyone may download and recount. */
export interface PublishedBallotSet {
  proposalId: string;
  input: TallyInput;
  /** Hex root of the tree of (counted votes, decision): the decision statement's ballot-set-root. */
  root: string;
  /** Leaves of that tree: the counted votes and the decision leaf. */
  leaves: number;
}

export interface DecisionTree {
  root: string;
  size: number;
  /** The inclusion proof of the counted vote of the voter with this pseudonym, undefined when none was counted. */
  leafOf(pseudonym: string): InclusionProof | undefined;
}

export interface InclusionProof {
  leaf: BallotLeaf;
  leafIndex: number;
  treeSize: number;
  /** Hex hashes of the audit path (RFC 6962 §2.1.1), from the leaf's sibling up. */
  path: string[];
  root: string;
}

/**
 * Pseudonymises the ballot log of a closed proposal, tallies it and builds the decision's tree. The
 * set is the same whatever the order of the input (ballots and delegations by feed position,
 * eligible voters by pseudonym), so a close run again publishes it again byte for byte.
 */
export function publishBallotSet(input: TallyInput): { set: PublishedBallotSet; result: TallyResult; tree: DecisionTree } {
  const published = pseudonymised(input);
  const { result, tree } = decide(published);
  return { set: { proposalId: input.proposal.id, input: published, root: tree.root, leaves: tree.size }, result, tree };
}

/** The tally of a published set, and whether the tree of that tally has the published root. */
export function recount(set: PublishedBallotSet): { result: TallyResult; root: string; matches: boolean } {
  const { result, tree } = decide(set.input);
  return { result, root: tree.root, matches: tree.root === set.root && tree.size === set.leaves };
}

/** The tree of a published set (to answer inclusion proofs from a stored set). */
export function decisionTree(set: PublishedBallotSet): DecisionTree {
  return decide(set.input).tree;
}

/** Whether the proof's ballot leaf, at its index of a tree of its size, leads to its root by its path. */
export function verifyInclusion(proof: InclusionProof): boolean {
  try {
    const { leaf, leafIndex, treeSize, path, root } = proof;
    // The last leaf is the decision's: a ballot never sits there.
    if (leafIndex >= treeSize - 1 || !Array.isArray(path) || !path.every(isHexHash) || !isHexHash(root)) return false;
    const computed = rootFromAuditPath(leafHash(ballotLeafBytes(leaf)), leafIndex, treeSize, path.map(fromHex));
    return computed !== undefined && computed.toString('hex') === root;
  } catch {
    return false; // a malformed proof (from JSON) is not a valid one
  }
}

function decide(input: TallyInput): { result: TallyResult; tree: DecisionTree } {
  const result = tally(input);
  const proposalId = input.proposal.id;
  const ballots: BallotLeaf[] = result.counted
    .map(({ voter, statementId, response, abstained, via }) => ({ proposalId, voter, statementId, response, abstained, via }))
    .sort((a, b) => codeUnitOrder(a.voter, b.voter));
  const decision = decisionLeafBytes({ proposalId, outcome: result.outcome, reason: result.reason, tally: result.tally, turnout: result.turnout });
  const merkle = new MerkleTree([...ballots.map(ballotLeafBytes), decision]);
  const root = merkle.root.toString('hex');
  const indexOf = new Map(ballots.map((leaf, index) => [leaf.voter, index]));
  return {
    result,
    tree: {
      root,
      size: merkle.size,
      leafOf(voter) {
        const index = indexOf.get(voter);
        if (index === undefined) return undefined;
        const leaf = ballots[index];
        return { leaf: { ...leaf, via: [...leaf.via] }, leafIndex: index, treeSize: merkle.size, path: merkle.auditPath(index).map((hash) => hash.toString('hex')), root };
      },
    },
  };
}

function pseudonymised(input: TallyInput): TallyInput {
  const pseudonyms = new Map<string, string>();
  const of = (voter: string) => pseudonyms.get(voter) ?? pseudonyms.set(voter, pseudonym(input.proposal.id, voter)).get(voter)!;
  return {
    proposal: input.proposal,
    eligible: input.eligible.map(of).sort(codeUnitOrder),
    ballots: input.ballots.map((ballot) => ({ ...ballot, voter: of(ballot.voter) })).sort((a, b) => a.position - b.position),
    delegations: input.delegations
      .map((delegation) => ({ ...delegation, delegator: of(delegation.delegator), delegate: of(delegation.delegate) }))
      .sort((a, b) => a.position - b.position),
  };
}

function isHexHash(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

function fromHex(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}
