/**
 * fast-check arbitraries of tally inputs, small enough to reach every corner often: a pool of 8
 * members (some eligible) and 2 outsiders, ballots at the window's edges, public and sealed
 * (revealed, unrevealed, revealed with the wrong salt), valid and invalid responses, delegations
 * of every scope with cycles, quorums and thresholds that land exactly on counts.
 */
import fc from 'fast-check';
import { MECHANISMS, type Mechanism, type VotingRules } from '../model';
import type { BallotEntry, DelegationEntry, TallyInput } from './types';
import { CLOSES_AT, OPENS_AT, PROPOSAL_ID, WHEN, commitmentOf } from './vectors/spec.contract';

/** How large a log: members in the pool, at most this many ballots and delegations, and at least `least` of each. */
interface Size {
  members: number;
  ballots: number;
  delegations: number;
  least: number;
}
const SMALL: Size = { members: 8, ballots: 16, delegations: 12, least: 0 };
const OPTIONS = ['a', 'b', 'c', 'd', 'e'];
const INSIDE = ['2026-03-03T10:00:00.000Z', '2026-03-05T10:00:00.000+02:00'];
const EDGES = [WHEN.before!, OPENS_AT, WHEN.last!, CLOSES_AT, WHEN.after!, WHEN['close+01:00']!];
const FRACTIONS = [0, 0.1, 0.25, 0.3, 0.5, 0.55, 0.6, 0.666667, 0.75, 1];
const YES_NO: Partial<Record<Mechanism, string[]>> = { 'simple-majority': ['yes', 'no'], supermajority: ['yes', 'no'], consensus: ['yes', 'no', 'block'] };
const SEALING = ['public', 'public', 'sealed', 'unrevealed', 'mismatched'] as const;

const membersOf = (size: Size) => Array.from({ length: size.members }, (_, index) => `v${index}`);

/** Mostly members, sometimes an outsider. */
function voterArbitrary(size: Size): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...membersOf(size)), weight: 9 }, { arbitrary: fc.constantFrom('x0', 'x1'), weight: 1 });
}

const rulesArbitrary: fc.Arbitrary<VotingRules> = fc
  .record({
    mechanism: fc.constantFrom(...MECHANISMS),
    quorum: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.constantFrom(...FRACTIONS), weight: 3 }),
    threshold: fc.constantFrom(...FRACTIONS),
    options: fc.shuffledSubarray(OPTIONS, { minLength: 2 }),
    abstain: fc.boolean(),
    range: fc.constantFrom({ min: 0, max: 5 }, { min: 1, max: 5 }, { min: 0, max: 2 }),
  })
  .map(({ mechanism, quorum, threshold, options, abstain, range }) => ({
    mechanism,
    quorum,
    threshold,
    opensAt: OPENS_AT,
    closesAt: CLOSES_AT,
    ballotPrivacy: 'public' as const,
    choices: [...(YES_NO[mechanism] ?? options), ...(abstain ? ['abstain'] : [])],
    ...(mechanism === 'score' && { scoreRange: range }),
  }));

/** A response under `rules`: mostly valid, sometimes abstain, sometimes invalid. */
function responseArbitrary(rules: VotingRules): fc.Arbitrary<string> {
  const options = rules.choices.filter((choice) => choice !== 'abstain');
  const invalid = fc.constantFrom('zz', 'block', 'a[,]a', `${options[0]}[,]`, 'abstain', '');
  const valid = (() => {
    switch (rules.mechanism) {
      case 'approval':
        return fc.subarray(options, { minLength: 1 }).chain((ids) => fc.shuffledSubarray(ids, { minLength: ids.length })).map((ids) => ids.join('[,]'));
      case 'instant-runoff':
        return fc.shuffledSubarray(options, { minLength: 1 }).map((ids) => ids.join('[,]'));
      case 'score': {
        const { min, max } = rules.scoreRange!;
        return fc
          .tuple(fc.array(fc.oneof({ arbitrary: fc.integer({ min, max }), weight: 19 }, { arbitrary: fc.constantFrom(min - 1, max + 1), weight: 1 }), { minLength: options.length, maxLength: options.length }), fc.shuffledSubarray(options, { minLength: options.length }))
          .map(([scores, order]) => order.map((option, index) => `${option}[.]${scores[index]}`).join('[,]'));
      }
      default:
        return fc.constantFrom(...options);
    }
  })();
  return fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: fc.constant('abstain'), weight: 1 }, { arbitrary: invalid, weight: 1 });
}

function ballotsArbitrary(rules: VotingRules, size: Size): fc.Arbitrary<BallotEntry[]> {
  const stored = fc.oneof({ arbitrary: fc.constantFrom(...INSIDE), weight: 3 }, { arbitrary: fc.constantFrom(...EDGES), weight: 1 });
  const line = fc.record({ voter: voterArbitrary(size), stored, sealing: fc.constantFrom(...SEALING), response: responseArbitrary(rules) });
  return fc.array(line, { minLength: size.least, maxLength: size.ballots }).map((lines) =>
    lines.map(({ voter, stored, sealing, response }, index) => {
      const entry: BallotEntry = { statementId: `b${index + 1}`, voter, stored, position: index + 1, kind: 'public', response };
      if (sealing === 'public') return entry;
      const salt = `salt-${index}-q3Jm0bK9VZ2yR8dXo1tCwA`;
      const committed = sealing === 'mismatched' ? `${salt}x` : salt;
      return { ...entry, kind: 'commitment', commitment: commitmentOf(response, committed), ...(sealing === 'unrevealed' ? { response: undefined } : { salt }) };
    }),
  );
}

function delegationsArbitrary(size: Size): fc.Arbitrary<DelegationEntry[]> {
  const link = fc.record({ delegator: voterArbitrary(size), delegate: voterArbitrary(size), kind: fc.constantFrom(undefined, undefined, 'standard' as const, 'policy' as const) });
  return fc.array(link, { minLength: size.least, maxLength: size.delegations }).map((links) => links.map(({ delegator, delegate, kind }, index) => ({ delegator, delegate, ...(kind && { proposalKind: kind }), position: index + 1 })));
}

/** Unrevealed ballots carry no response key at all. */
function withoutUndefined(entry: BallotEntry): BallotEntry {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as unknown as BallotEntry;
}

/** Tally inputs of up to `size`. */
export function tallyInputs(size: Size): fc.Arbitrary<TallyInput> {
  return rulesArbitrary.chain((rules) =>
    fc
      .record({
        kind: fc.constantFrom('standard' as const, 'policy' as const),
        eligible: fc.subarray(membersOf(size), { minLength: 3 }),
        ballots: ballotsArbitrary(rules, size),
        delegations: delegationsArbitrary(size),
      })
      .map(({ kind, eligible, ballots, delegations }) => ({
        proposal: { id: PROPOSAL_ID, kind, rules: { ...rules, ballotPrivacy: ballots.some((entry) => entry.kind === 'commitment') ? ('commitment' as const) : ('public' as const) } },
        eligible,
        ballots: ballots.map(withoutUndefined),
        delegations,
      })),
  );
}

/** Small logs: every corner is reached often. */
export const tallyInputArbitrary = tallyInputs(SMALL);

/** Larger logs: longer chains, deeper instant-runoff tie-breaks. */
export const largeTallyInputArbitrary = tallyInputs({ members: 60, ballots: 150, delegations: 90, least: 40 });

/** Inputs of one mechanism (the generated vectors are spread evenly over mechanisms). */
export function inputOf(mechanism: Mechanism): fc.Arbitrary<TallyInput> {
  return tallyInputArbitrary.filter((input) => input.proposal.rules.mechanism === mechanism);
}
