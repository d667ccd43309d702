/**
 * Hand-written test vectors in short: a spec names voters, ballot and delegation lines and the
 * expected outcome written by hand; expand() turns it into a full vector (TallyInput + expected)
 * with default rules, times and ids. Nothing here computes an expected value.
 *
 * Ballot line: `voter response [@when] [#position] [sealed|unrevealed|mismatched|replayed]`, where
 * `@when` is one of WHEN or a literal RFC 3339 instant (default: inside the window), `#position`
 * the feed position (default: the line's number), `sealed` a commitment ballot revealed with its
 * salt, `unrevealed` one never revealed, `mismatched` one revealed with another salt, `changed`
 * one revealed with another response than committed (yes ↔ no). Statement ids are b1, b2, … by line.
 * Delegation line: `delegator>delegate[:kind] [#position]`.
 * Counted line: `voter response [via a,b]`. Ignored line: `b3 superseded` (none listed: none ignored).
 */
import { createHash } from 'node:crypto';
import type { Mechanism, ProposalKind, TallyCounts, VotingRules } from '../../model';
import type { BallotEntry, DelegationEntry, IgnoredBallot, TallyInput, TallyResult } from '../types';

export const PROPOSAL_ID = '3f0c8a52-5d1e-5b8a-9c4e-0a7d2b9e6c11';
export const OPENS_AT = '2026-03-01T00:00:00.000Z';
export const CLOSES_AT = '2026-03-08T00:00:00.000Z';
const MS = Date.parse(OPENS_AT);
const END_MS = Date.parse(CLOSES_AT);
export const WHEN: Record<string, string> = {
  before: new Date(MS - 1).toISOString(),
  open: OPENS_AT,
  last: new Date(END_MS - 1).toISOString(),
  close: CLOSES_AT,
  after: new Date(END_MS + 3_600_000).toISOString(),
  'close+01:00': '2026-03-08T01:00:00.000+01:00',
  'before+01:00': '2026-03-01T00:59:59.999+01:00',
  'open-02:00': '2026-02-28T22:00:00.000-02:00',
};

export interface ExpectedCounted {
  voter: string;
  response: string;
  abstained: boolean;
  via: string[];
  statementId?: string;
}

export interface TallyVector {
  name: string;
  /** The rule of the issue or docs/governance.md the vector pins down. */
  rule?: string;
  input: TallyInput;
  expected: Pick<TallyResult, 'outcome' | 'reason' | 'tally' | 'turnout' | 'ignored'> & { counted: ExpectedCounted[] };
}

export interface Spec {
  name: string;
  rule?: string;
  mechanism?: Mechanism;
  quorum?: number;
  threshold?: number;
  choices?: string[];
  scoreRange?: { min: number; max: number };
  kind?: ProposalKind;
  eligible: string | string[];
  ballots?: string[];
  delegations?: string[];
  expect: {
    reason: TallyResult['reason'];
    counts: Record<string, number>;
    rounds?: TallyCounts['rounds'];
    winner?: string;
    /** [eligible, counted, abstained, quorumMet] */
    turnout: [number, number, number, boolean];
    counted: string[];
    ignored?: string[];
  };
}

const DEFAULT_CHOICES: Record<Mechanism, string[]> = {
  'simple-majority': ['yes', 'no', 'abstain'],
  supermajority: ['yes', 'no', 'abstain'],
  consensus: ['yes', 'no', 'block', 'abstain'],
  approval: ['a', 'b', 'c', 'abstain'],
  'instant-runoff': ['a', 'b', 'c', 'abstain'],
  score: ['a', 'b', 'c', 'abstain'],
};

/** The profile's ballot-commitment: hex SHA-256 of `{salt}:{response}`. */
export function commitmentOf(response: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${response}`, 'utf8').digest('hex');
}

function words(text: string | string[]): string[] {
  return Array.isArray(text) ? text : text.split(/\s+/).filter(Boolean);
}

function ballot(line: string, index: number): BallotEntry {
  const [voter, response, ...tokens] = words(line);
  const entry: BallotEntry = {
    statementId: `b${index + 1}`,
    voter: voter!,
    stored: new Date(MS + 86_400_000 + index * 60_000).toISOString(),
    position: index + 1,
    kind: 'public',
    response,
  };
  const salt = `salt-${voter}-${index + 1}-q3Jm0bK9VZ2yR8dX`;
  for (const token of tokens) {
    if (token.startsWith('@')) entry.stored = WHEN[token.slice(1)] ?? token.slice(1);
    else if (token.startsWith('#')) entry.position = Number(token.slice(1));
    else if (token === 'sealed') Object.assign(entry, { kind: 'commitment', salt, commitment: commitmentOf(response!, salt) });
    else if (token === 'unrevealed') Object.assign(entry, { kind: 'commitment', response: undefined, commitment: commitmentOf(response!, salt) });
    else if (token === 'mismatched') Object.assign(entry, { kind: 'commitment', salt, commitment: commitmentOf(response!, `${salt}-other`) });
    else if (token === 'changed') Object.assign(entry, { kind: 'commitment', salt, commitment: commitmentOf(response === 'yes' ? 'no' : 'yes', salt) });
    else throw new Error(`unknown token ${token} in "${line}"`);
  }
  if (entry.response === undefined) delete entry.response;
  return entry;
}

function delegation(line: string, index: number): DelegationEntry {
  const [link, position] = words(line);
  const [pair, kind] = link!.split(':');
  const [delegator, delegate] = pair!.split('>');
  return { delegator: delegator!, delegate: delegate!, ...(kind && { proposalKind: kind as ProposalKind }), position: position ? Number(position.slice(1)) : index + 1 };
}

function counted(line: string): ExpectedCounted {
  const [voter, response, via, chain] = words(line);
  if (via !== undefined && via !== 'via') throw new Error(`bad counted line "${line}"`);
  return { voter: voter!, response: response!, abstained: response === 'abstain', via: chain ? chain.split(',') : [] };
}

const byText = (one: string, other: string) => (one < other ? -1 : one > other ? 1 : 0);

export function expand(spec: Spec): TallyVector {
  const mechanism = spec.mechanism ?? 'simple-majority';
  const rules: VotingRules = {
    mechanism,
    quorum: spec.quorum ?? 0,
    threshold: spec.threshold ?? 0.5,
    opensAt: OPENS_AT,
    closesAt: CLOSES_AT,
    ballotPrivacy: spec.ballots?.some((line) => / (sealed|unrevealed|mismatched|changed)\b/.test(line)) ? 'commitment' : 'public',
    choices: spec.choices ?? DEFAULT_CHOICES[mechanism],
    ...(mechanism === 'score' && { scoreRange: spec.scoreRange ?? { min: 0, max: 5 } }),
  };
  const ballots = (spec.ballots ?? []).map(ballot);
  const voterOf = new Map(ballots.map((entry) => [entry.statementId, entry.voter]));
  const { reason, counts, rounds, winner, turnout } = spec.expect;
  return {
    name: spec.name,
    ...(spec.rule && { rule: spec.rule }),
    input: { proposal: { id: PROPOSAL_ID, kind: spec.kind ?? 'standard', rules }, eligible: words(spec.eligible), ballots, delegations: (spec.delegations ?? []).map(delegation) },
    expected: {
      outcome: reason === 'adopted' ? 'adopted' : 'rejected',
      reason,
      tally: { counts, ...(rounds && { rounds }), ...(winner && { winner }) },
      turnout: { eligible: turnout[0], counted: turnout[1], abstained: turnout[2], quorumMet: turnout[3] },
      counted: spec.expect.counted.map(counted).sort((one, other) => byText(one.voter, other.voter)),
      ignored: (spec.expect.ignored ?? [])
        .map((line) => {
          const [statementId, why] = words(line);
          return { statementId: statementId!, voter: voterOf.get(statementId!)!, reason: why as IgnoredBallot['reason'] };
        })
        .sort((one, other) => byText(one.statementId, other.statementId) || byText(one.reason, other.reason)),
    },
  };
}
