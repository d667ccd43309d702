/**
 * Random governance scenarios played over HTTP against a model of the issue's rules: parties join
 * and leave a community, delegate (to themselves, to non-members, into cycles), revoke (their own
 * delegations and others'), and vote (eligible or not, several times, for choices that do not
 * exist, with malformed ballots) under a random mechanism and ballot privacy. Each answer is
 * checked against what the model predicts; what the LRS acknowledged is what the close is checked
 * against (verdict.contract.ts). Named `.contract.ts` so that the build, the import graph and jest
 * leave it out.
 */
import fc from 'fast-check';
import { MECHANISMS, PROPOSAL_KINDS, type BallotPrivacy, type Mechanism, type ProposalKind, type VotingRules } from '../model';
import { optionsOf } from '../tally';
import type { GovernanceClient, Party } from './client.contract';
import type { AcceptedBallot, Observed, ObservedDelegation } from './verdict.contract';

const SCOPES = [undefined, 'standard', 'policy'] as const;
type Scope = (typeof SCOPES)[number];

export type BallotVariant = 'valid' | 'unknown-choice' | 'malformed';
export type Action =
  | { type: 'join' | 'leave'; who: number }
  /** `back`: from the end of a chain of delegations in force to its start, which would close a cycle. */
  | { type: 'delegate'; from: number; to: number; scope: number; back: boolean }
  | { type: 'revoke'; who: number; target: number }
  | { type: 'vote'; who: number; variant: BallotVariant; picks: number[] };

export interface Scenario {
  mechanism: Mechanism;
  privacy: BallotPrivacy;
  kind: 'standard' | 'policy';
  quorum: number;
  thresholdPick: number;
  withAbstain: boolean;
  /** Parties besides the founder (the proposal's submitter, who never leaves). */
  others: number;
  /** Parties 1..joiners join first. */
  joiners: number;
  beforeOpening: Action[];
  whileOpen: Action[];
}

/** Parties besides the founder, at most. */
export const MAX_OTHERS = 7;

const who = fc.nat({ max: 20 });
const membership = fc.record({ type: fc.constantFrom('join' as const, 'leave' as const), who });
const delegation = fc.record({ type: fc.constant('delegate' as const), from: who, to: who, scope: fc.nat({ max: 2 }), back: fc.boolean() });
const revocation = fc.record({ type: fc.constant('revoke' as const), who, target: fc.nat({ max: 50 }) });
const ballot = fc.record({
  type: fc.constant('vote' as const),
  who,
  variant: fc.constantFrom<BallotVariant>('valid', 'valid', 'valid', 'valid', 'unknown-choice', 'malformed'),
  picks: fc.array(fc.nat({ max: 1000 }), { minLength: 6, maxLength: 6 }),
});

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  mechanism: fc.constantFrom(...MECHANISMS),
  privacy: fc.constantFrom<BallotPrivacy>('public', 'commitment'),
  kind: fc.constantFrom('standard' as const, 'policy' as const),
  quorum: fc.constantFrom(0, 0.25, 0.3, 0.5, 0.75, 1),
  thresholdPick: fc.nat({ max: 2 }),
  withAbstain: fc.boolean(),
  others: fc.integer({ min: 3, max: MAX_OTHERS }),
  joiners: fc.integer({ min: 2, max: MAX_OTHERS }),
  beforeOpening: fc.array(fc.oneof({ arbitrary: membership, weight: 2 }, { arbitrary: delegation, weight: 3 }, { arbitrary: revocation, weight: 1 }), { maxLength: 10 }),
  whileOpen: fc.array(fc.oneof({ arbitrary: membership, weight: 1 }, { arbitrary: delegation, weight: 2 }, { arbitrary: revocation, weight: 1 }, { arbitrary: ballot, weight: 8 }), { minLength: 6, maxLength: 24 }),
});

/** The rules a scenario submits (valid for its mechanism: proposals/ checks them). */
export function rulesOf(scenario: Scenario, closesAt: string): Record<string, unknown> {
  const { mechanism, quorum, thresholdPick, withAbstain, privacy } = scenario;
  const options = withAbstain ? ['a', 'b', 'c', 'd', 'abstain'] : ['a', 'b', 'c'];
  const common = { mechanism, quorum, closesAt, ballotPrivacy: privacy };
  switch (mechanism) {
    case 'simple-majority':
      return { ...common, threshold: 0.5 };
    case 'supermajority':
      return { ...common, threshold: [0.6, 0.66, 0.75][thresholdPick] };
    case 'consensus':
      return { ...common, threshold: [0, 0.5, 0.66][thresholdPick] };
    case 'approval':
      return { ...common, threshold: [0, 0.3, 0.5][thresholdPick], choices: options };
    case 'instant-runoff':
      return { ...common, threshold: 0.5, choices: options };
    case 'score':
      return { ...common, threshold: [0, 0.5, 0.8][thresholdPick], choices: options, scoreRange: [{ min: 0, max: 5 }, { min: 1, max: 10 }, { min: 0, max: 100 }][thresholdPick] };
  }
}

/** A ballot body under `rules`: a countable one, one naming a choice that does not exist, or a malformed one. */
export function ballotBody(rules: VotingRules, variant: BallotVariant, picks: number[]): Record<string, unknown> {
  const options = optionsOf(rules);
  const pick = (index: number, of: readonly unknown[]) => picks[index]! % of.length;
  if (variant === 'malformed') return [{}, { choice: 'a', response: 'b' }, { ranking: [] }, { response: '' }, { choice: 42 }, { approve: 'a' }, { choice: 'yes', flavour: 'x' }][pick(0, Array(7))]!;
  const abstains = rules.choices.includes('abstain') && picks[1]! % 6 === 0;
  if (variant === 'valid' && abstains) return { response: 'abstain' };
  switch (rules.mechanism) {
    case 'simple-majority':
    case 'supermajority':
    case 'consensus':
      return { choice: variant === 'valid' ? options[pick(0, options)]! : 'maybe' };
    case 'approval': {
      const chosen = options.filter((_, index) => (picks[2]! >> index) & 1);
      const approve = chosen.length > 0 ? chosen : [options[pick(0, options)]!];
      return { approve: variant === 'valid' ? approve : [...approve, 'zz-unknown'] };
    }
    case 'instant-runoff': {
      const ranking = [...options].sort((one, other) => ((picks[3]! * (one.charCodeAt(0) + 7)) % 13) - ((picks[3]! * (other.charCodeAt(0) + 7)) % 13)).slice(0, 1 + pick(4, options));
      return { ranking: variant === 'valid' ? ranking : ['zz-unknown', ...ranking] };
    }
    case 'score': {
      const { min, max } = rules.scoreRange!;
      const scores = Object.fromEntries(options.map((option, index) => [option, min + (picks[index % 6]! % (max - min + 1))]));
      return { scores: variant === 'valid' ? scores : { ...scores, 'zz-unknown': min } };
    }
  }
}

interface Grant extends ObservedDelegation {
  id: string;
  revoked: boolean;
}

/** What the rules say of the community as the client changed it. */
export class CommunityModel {
  readonly members = new Set<string>();
  readonly grants: Grant[] = [];

  inForce(delegator: string): Grant[] {
    return this.grants.filter((grant) => grant.delegator === delegator && !grant.revoked);
  }

  /** A member's delegate for proposals of `kind`: their delegation for it, else their general one. */
  resolve(member: string, kind: ProposalKind): string | undefined {
    const own = this.inForce(member);
    return (own.find((grant) => grant.proposalKind === kind) ?? own.find((grant) => grant.proposalKind === undefined))?.delegate;
  }

  /** Whether delegator → delegate (scope) would close a cycle under that resolution, for some kind. */
  closesCycle(delegator: string, delegate: string, scope: Scope): boolean {
    const topical = new Set(this.inForce(delegator).map((grant) => grant.proposalKind));
    const kinds = scope !== undefined ? [scope] : PROPOSAL_KINDS.filter((kind) => !topical.has(kind));
    return kinds.some((kind) => {
      const seen = new Set<string>();
      for (let member: string | undefined = delegate; member !== undefined && !seen.has(member); member = this.resolve(member, kind)) {
        if (member === delegator) return true;
        seen.add(member);
      }
      return false;
    });
  }

  /** The delegations in force, oldest first. */
  delegations(): ObservedDelegation[] {
    return this.grants.filter((grant) => !grant.revoked).map(({ delegator, delegate, proposalKind }) => ({ delegator, delegate, ...(proposalKind !== undefined && { proposalKind }) }));
  }
}

/** What the client expects an action to be answered with. */
type Expected = { status: number; code?: string | string[] };

/** Plays scenarios against one LRS: each in a new community. */
export class ScenarioPlayer {
  readonly model = new CommunityModel();
  readonly accepted: AcceptedBallot[] = [];
  /** While open: the proposal, its rules and who was eligible when it opened. */
  open?: { id: string; rules: VotingRules; eligible: Set<string> };

  constructor(
    private readonly client: GovernanceClient,
    readonly slug: string,
    /** Party 0 is the founder. */
    readonly parties: Party[],
  ) {}

  party(index: number): Party {
    return this.parties[index % this.parties.length]!;
  }

  async play(action: Action): Promise<void> {
    const { expected, reply } = await this.perform(action);
    const codes = Array.isArray(expected.code) ? expected.code : [expected.code];
    const answer = { action, status: reply.status, code: codes.includes(reply.body?.code) ? expected.code : reply.body?.code, message: reply.status === expected.status ? undefined : reply.body?.message };
    expect(answer).toEqual({ action, status: expected.status, code: expected.code, message: undefined });
  }

  observed(proposal: { id: string; registration: string; kind: ProposalKind; rules: VotingRules }): Observed {
    const eligible = this.parties.filter(({ key }) => this.open!.eligible.has(key));
    return { proposalId: proposal.id, registration: proposal.registration, kind: proposal.kind, rules: proposal.rules, eligible, accepted: this.accepted, delegations: this.model.delegations() };
  }

  private async perform(action: Action) {
    switch (action.type) {
      case 'join':
        return this.membership(this.party(action.who), 'put');
      case 'leave':
        return this.membership(this.party(1 + (action.who % (this.parties.length - 1))), 'delete');
      case 'delegate': {
        const [from, to] = (action.back && this.chainBack(action.from)) || [this.party(action.from), this.party(action.to)];
        return this.delegate(from, to, SCOPES[action.scope]);
      }
      case 'revoke':
        return this.revoke(this.party(action.who), action.target);
      case 'vote':
        return this.vote(this.party(action.who), action.variant, action.picks);
    }
  }

  /** [the member a chain of delegations in force ends at, the chain's start], the chain starting at one delegator (`pick`). */
  private chainBack(pick: number): [Party, Party] | undefined {
    const starts = [...new Set(this.model.grants.filter((grant) => !grant.revoked).map(({ delegator }) => delegator))];
    if (starts.length === 0) return undefined;
    const start = starts[pick % starts.length]!;
    const seen = new Set<string>();
    let end = start;
    for (let next = this.model.resolve(start, 'standard'); next !== undefined && !seen.has(next); next = this.model.resolve(next, 'standard')) {
      seen.add((end = next));
    }
    const byKey = (key: string) => this.parties.find((party) => party.key === key)!;
    return [byKey(end), byKey(start)];
  }

  private async membership(party: Party, method: 'put' | 'delete') {
    const { members } = this.model;
    const joining = method === 'put';
    const expected: Expected = joining === members.has(party.key) ? { status: 409, code: joining ? 'ALREADY_MEMBER' : 'NOT_A_MEMBER' } : { status: 200 };
    const reply = await this.client.call(party, method, `/communities/${this.slug}/membership`);
    if (reply.status === 200) joining ? members.add(party.key) : members.delete(party.key);
    return { expected, reply };
  }

  private async delegate(from: Party, to: Party, scope: Scope) {
    const { model } = this;
    const previous = model.inForce(from.key).find((grant) => grant.proposalKind === scope);
    const expected: Expected = !model.members.has(from.key)
      ? { status: 403, code: 'NOT_A_MEMBER' }
      : from.key === to.key
        ? { status: 400, code: 'SELF_DELEGATION' }
        : !model.members.has(to.key)
          ? { status: 409, code: 'DELEGATE_NOT_A_MEMBER' }
          : previous?.delegate === to.key
            ? { status: 200 }
            : model.closesCycle(from.key, to.key, scope)
              ? { status: 409, code: 'DELEGATION_CYCLE' }
              : { status: 201 };
    const reply = await this.client.call(from, 'post', `/communities/${this.slug}/delegations`, { delegate: to.agent, ...(scope !== undefined && { proposalKind: scope }) });
    if (reply.status === 201) {
      if (previous !== undefined) previous.revoked = true;
      model.grants.push({ id: reply.body.id, delegator: from.key, delegate: to.key, ...(scope !== undefined && { proposalKind: scope }), revoked: false });
    }
    return { expected, reply };
  }

  /** Revokes a delegation: the party's own in force, or someone else's, or one already revoked. */
  private async revoke(party: Party, target: number) {
    const grant = this.model.grants[target % Math.max(1, this.model.grants.length)];
    const id = grant?.id ?? '00000000-0000-4000-8000-000000000000';
    const expected: Expected = grant === undefined ? { status: 404, code: 'DELEGATION_NOT_FOUND' } : grant.delegator !== party.key ? { status: 403, code: 'NOT_YOUR_DELEGATION' } : grant.revoked ? { status: 409, code: 'ALREADY_REVOKED' } : { status: 200 };
    const reply = await this.client.call(party, 'delete', `/communities/${this.slug}/delegations/${id}`);
    if (reply.status === 200 && grant !== undefined) grant.revoked = true;
    return { expected, reply };
  }

  private async vote(party: Party, variant: BallotVariant, picks: number[]) {
    const { id, rules, eligible } = this.open!;
    const body = ballotBody(rules, variant, picks);
    const refusal = variant === 'valid' ? undefined : variant === 'malformed' ? 'INVALID_BALLOT' : 'UNKNOWN_CHOICE';
    const expected: Expected =
      refusal !== undefined
        ? eligible.has(party.key)
          ? { status: 400, code: refusal }
          : { status: 400, code: [refusal, 'NOT_ELIGIBLE'] } // which check comes first is the route's business
        : eligible.has(party.key)
          ? { status: 201 }
          : { status: 403, code: 'NOT_ELIGIBLE' };
    const reply = await this.client.call(party, 'post', `/proposals/${id}/ballots`, body);
    if (reply.status === 403 && refusal !== undefined) expected.status = 403;
    if (reply.status === 201) {
      const { statementId, kind, response, stored, commitment, salt } = reply.body;
      this.accepted.push({ voter: party.key, statementId, kind, response, stored, ...(kind === 'commitment' && { commitment, salt }) });
    }
    return { expected, reply };
  }
}
