/**
 * What a closed proposal must show a client who watched it over HTTP (issue 14's rules), checked
 * against that client's own record of what the LRS acknowledged: the members eligible at opensAt,
 * every ballot answered 201, the delegations in force at closesAt. Named `.contract.ts` so that the
 * build, the import graph and jest leave it out.
 */
import { pseudonym, recount, verifyInclusion, type InclusionProof, type PublishedBallotSet } from '../ballot-set';
import type { ProposalKind, VotingRules } from '../model';
import { tally, type BallotEntry, type TallyInput } from '../tally';
import { EXTENSION, VERB } from '../vocabulary';
import type { GovernanceClient, Party } from './client.contract';

/** A ballot the LRS answered 201 to, as its answer gave it. */
export interface AcceptedBallot {
  voter: string;
  statementId: string;
  kind: 'public' | 'commitment';
  response: string;
  /** The ballot's timestamp (the LRS's clock when it took it). */
  stored: string;
  commitment?: string;
  salt?: string;
}

export interface ObservedDelegation {
  delegator: string;
  delegate: string;
  proposalKind?: ProposalKind;
}

/** What the client saw of one proposal, in the order it saw it. */
export interface Observed {
  proposalId: string;
  registration: string;
  kind: ProposalKind;
  rules: VotingRules;
  /** Members whose join was acknowledged before the proposal opened and who had not left by then. */
  eligible: Party[];
  accepted: AcceptedBallot[];
  /** The delegations in force when voting closed, oldest first. */
  delegations: ObservedDelegation[];
}

/** The vote the rules count for each eligible member (voter key → the ballot counted), from the observations alone. */
export function expectedCounted(observed: Observed): Map<string, AcceptedBallot> {
  const eligible = new Set(observed.eligible.map(({ key }) => key));
  const last = new Map<string, AcceptedBallot>();
  for (const ballot of observed.accepted) if (eligible.has(ballot.voter)) last.set(ballot.voter, ballot);
  const delegateOf = (member: string): string | undefined => {
    const own = observed.delegations.filter(({ delegator }) => delegator === member);
    const latest = (scope: ProposalKind | undefined) => own.filter(({ proposalKind }) => proposalKind === scope).at(-1);
    return (latest(observed.kind) ?? latest(undefined))?.delegate;
  };
  const counted = new Map<string, AcceptedBallot>();
  for (const member of eligible) {
    const direct = last.get(member);
    if (direct !== undefined) {
      counted.set(member, direct);
      continue;
    }
    // A chain ends, uncounted, at a cycle, a member who is not eligible or one without a delegation.
    const seen = new Set([member]);
    for (let next = delegateOf(member); next !== undefined && eligible.has(next) && !seen.has(next); next = delegateOf(next)) {
      const reached = last.get(next);
      if (reached !== undefined) {
        counted.set(member, reached);
        break;
      }
      seen.add(next);
    }
  }
  return counted;
}

/** The tally's input as the client saw it (its order as feed positions). */
export function observedTallyInput(observed: Observed): TallyInput {
  const ballots: BallotEntry[] = observed.accepted.map(({ voter, statementId, kind, response, stored, commitment, salt }, index) => ({
    statementId,
    voter,
    stored,
    position: index + 1,
    kind,
    response,
    ...(commitment !== undefined && { commitment, salt }),
  }));
  return {
    proposal: { id: observed.proposalId, kind: observed.kind, rules: observed.rules },
    eligible: observed.eligible.map(({ key }) => key),
    ballots,
    delegations: observed.delegations.map((delegation, index) => ({ ...delegation, position: index + 1 })),
  };
}

/**
 * Checks a closed proposal against the observations: one decision statement whose tally, turnout and
 * root are those of GET /proposals/:id, of GET …/recount and of the tally of what the client saw; the
 * published set holds every acknowledged ballot and nothing else, every sealed one revealed once;
 * 0 ineligible and 0 duplicate counted, each member's last acknowledged ballot (or their delegate's)
 * counted; every counted voter's inclusion proof verifies, every other eligible member gets NOT_COUNTED.
 */
export async function checkClosedProposal(client: GovernanceClient, reader: Party, observed: Observed): Promise<void> {
  const { proposalId } = observed;
  const proposal = await client.call(reader, 'get', `/proposals/${proposalId}`);
  expect([proposal.status, proposal.body.state]).toEqual([200, 'closed']);
  const decision = proposal.body.decision;

  const statements = await client.statementsOf(observed.registration);
  const decisions = statements.filter(({ verb }) => verb.id === VERB.adopted || verb.id === VERB.rejected);
  expect(decisions.map(({ id }) => id)).toEqual([decision.statementId]);
  const [statement] = decisions;
  expect(statement.result).toMatchObject({
    success: decision.outcome === 'adopted',
    response: decision.reason,
    extensions: { [EXTENSION.tally]: decision.tally, [EXTENSION.turnout]: decision.turnout, [EXTENSION.ballotSetRoot]: decision.root },
  });

  const recounted = await client.call(reader, 'get', `/proposals/${proposalId}/recount`);
  expect(recounted.status).toBe(200);
  expect(recounted.body).toEqual({ matches: true, root: decision.root, decisionRoot: decision.root, outcome: decision.outcome, reason: decision.reason, tally: decision.tally, turnout: decision.turnout });

  const expected = tally(observedTallyInput(observed));
  expect({ outcome: decision.outcome, reason: decision.reason, tally: decision.tally, turnout: decision.turnout }).toEqual({ outcome: expected.outcome, reason: expected.reason, tally: expected.tally, turnout: expected.turnout });

  const published = await client.call(reader, 'get', `/proposals/${proposalId}/ballot-set`);
  expect(published.status).toBe(200);
  const set = published.body as PublishedBallotSet;
  const local = recount(set);
  expect([local.matches, local.root]).toEqual([true, decision.root]);
  // Acknowledged ballots are never lost, and nothing but them is in the log.
  expect(set.input.ballots.map(({ statementId }) => statementId).sort()).toEqual(observed.accepted.map(({ statementId }) => statementId).sort());
  expect([...set.input.eligible].sort()).toEqual(observed.eligible.map(({ key }) => pseudonym(proposalId, key)).sort());
  checkReveals(statements, observed);

  const counted = local.result.counted;
  const byPseudonym = new Map(observed.eligible.map((party) => [pseudonym(proposalId, party.key), party]));
  expect(counted.filter(({ voter }) => !byPseudonym.has(voter))).toEqual([]); // 0 ineligible counted
  expect(new Set(counted.map(({ voter }) => voter)).size).toBe(counted.length); // 0 duplicates
  expect(decision.turnout.counted).toBe(counted.length);
  const wanted = expectedCounted(observed);
  const countedOf = (key: string) => counted.find(({ voter }) => voter === pseudonym(proposalId, key));
  expect(Object.fromEntries(observed.eligible.map(({ name, key }) => [name, countedOf(key) && { statementId: countedOf(key)!.statementId, response: countedOf(key)!.response }]))).toEqual(
    Object.fromEntries(observed.eligible.map(({ name, key }) => [name, wanted.get(key) && { statementId: wanted.get(key)!.statementId, response: wanted.get(key)!.response }])),
  );

  for (const party of observed.eligible) await checkProof(client, party, observed, decision.root, wanted.get(party.key));
}

/** Each sealed ballot acknowledged has exactly one ballot-revealed statement carrying its response and salt. */
function checkReveals(statements: Array<Record<string, any>>, observed: Observed): void {
  const reveals = statements.filter(({ verb }) => verb.id === VERB.revealedBallot);
  const sealed = observed.accepted.filter(({ kind }) => kind === 'commitment');
  expect(reveals.map(({ object }) => object.id).sort()).toEqual(sealed.map(({ statementId }) => statementId).sort());
  for (const ballot of sealed) {
    const reveal = reveals.find(({ object }) => object.id === ballot.statementId)!;
    expect(reveal.result).toEqual({ response: ballot.response, extensions: { [EXTENSION.ballotSalt]: ballot.salt } });
  }
}

async function checkProof(client: GovernanceClient, party: Party, observed: Observed, root: string, counted: AcceptedBallot | undefined): Promise<void> {
  const reply = await client.call(party, 'get', `/proposals/${observed.proposalId}/proof`);
  if (counted === undefined) {
    expect([party.name, reply.status, reply.body.code]).toEqual([party.name, 404, 'NOT_COUNTED']);
    return;
  }
  expect([party.name, reply.status]).toEqual([party.name, 200]);
  const proof = reply.body as InclusionProof;
  expect([party.name, verifyInclusion(proof), proof.root]).toEqual([party.name, true, root]);
  expect(proof.leaf).toMatchObject({ voter: pseudonym(observed.proposalId, party.key), statementId: counted.statementId, response: counted.response });
}
