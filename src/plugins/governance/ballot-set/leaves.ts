import type { TallyResult } from '../tally';

/**
 * The leaves of a decision's tree and their bytes (docs/governance.md, "Recounting"): one leaf per
 * counted vote, sorted by voter pseudonym, then the decision leaf. A leaf's bytes are the JSON
 * Canonicalization Scheme (RFC 8785) of its object in UTF-8: keys sorted, no whitespace, absent
 * fields left out (never null). Ballot and decision leaves differ in their keys, so the bytes of
 * one can never be read as the other.
 */

/** A counted vote as published: `voter` and `via` are pseudonyms. */
export interface BallotLeaf {
  proposalId: string;
  voter: string;
  /** The counted ballot statement (the delegate's, for a delegated vote). */
  statementId: string;
  /** The normalised response that was counted. */
  response: string;
  abstained: boolean;
  /** The delegates followed to reach the ballot, [] for a direct vote. */
  via: string[];
}

/** The last leaf: what the tally decided from the leaves before it. */
export type DecisionLeaf = { proposalId: string } & Pick<TallyResult, 'outcome' | 'reason' | 'tally' | 'turnout'>;

/** canonicalJson of the leaf written out in its keys' order (a close encodes 100,000 of them): the same bytes, faster. */
export function ballotLeafBytes({ proposalId, voter, statementId, response, abstained, via }: BallotLeaf): Buffer {
  const text = JSON.stringify;
  return Buffer.from(
    `{"abstained":${text(abstained)},"proposalId":${text(proposalId)},"response":${text(response)},"statementId":${text(statementId)},"via":${text(via)},"voter":${text(voter)}}`,
    'utf8',
  );
}

export function decisionLeafBytes(leaf: DecisionLeaf): Buffer {
  const { proposalId, outcome, reason, tally, turnout } = leaf;
  return Buffer.from(canonicalJson({ proposalId, outcome, reason, tally, turnout }), 'utf8');
}

/**
 * RFC 8785 for the values leaves hold (strings, booleans, finite numbers, arrays, plain objects):
 * object keys in UTF-16 code unit order, strings and numbers as ECMAScript's JSON.stringify writes
 * them, which is what RFC 8785 §3.2.2 specifies.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, member]) => member !== undefined);
    entries.sort(([a], [b]) => codeUnitOrder(a, b));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`A leaf cannot hold ${value}`);
  return JSON.stringify(value);
}

/** Strings in UTF-16 code unit order (RFC 8785 §3.2.3): what JavaScript's default sort gives. */
export function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
