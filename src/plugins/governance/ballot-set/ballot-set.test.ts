import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { VotingRules } from '../model';
import { tally, type BallotEntry, type TallyInput, type TallyResult } from '../tally';
import { tallyInputArbitrary } from '../tally/arbitraries.contract';
import { ballotLeafBytes, canonicalJson, decisionLeafBytes, decisionTree, publishBallotSet, pseudonym, recount, verifyInclusion, type InclusionProof, type PublishedBallotSet } from '.';

/**
 * The published ballot set and the decision's tree (issue 14: "each voter can fetch an inclusion
 * proof that their ballot was counted; anyone can recount from the published ballot set"). The
 * known vectors were computed outside this code (sha256sum over the bytes docs/governance.md
 * writes out), so a third party following the documentation gets the same hashes.
 */
const PROPOSAL = '6f1f3b0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const RULES: VotingRules = {
  mechanism: 'simple-majority',
  quorum: 0.5,
  threshold: 0.5,
  opensAt: '2026-05-01T00:00:00.000Z',
  closesAt: '2026-05-08T00:00:00.000Z',
  ballotPrivacy: 'public',
  choices: ['yes', 'no', 'abstain'],
};
const [ANA, BEA, CARLOS, DORA, EVA] = ['ana', 'bea', 'carlos', 'dora', 'eva'].map((name) => `mbox:mailto:${name}@example.org`);

function ballot(voter: string, response: string, position: number, stored = '2026-05-02T10:00:00.000Z'): BallotEntry {
  return { statementId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`, voter, stored, position, kind: 'public', response };
}

/** Ana and Bea vote yes, Carlos no (after a first yes), Dora delegates to Ana, Eva (not a member) and a late ballot are ignored. */
function proposalLog(): TallyInput {
  return {
    proposal: { id: PROPOSAL, kind: 'policy', rules: RULES },
    eligible: [ANA, BEA, CARLOS, DORA],
    ballots: [ballot(ANA, 'yes', 10), ballot(CARLOS, 'yes', 11), ballot(BEA, 'yes', 12), ballot(CARLOS, 'no', 13), ballot(EVA, 'no', 14), ballot(BEA, 'no', 15, '2026-05-08T00:00:00.000Z')],
    delegations: [{ delegator: DORA, delegate: ANA, position: 5 }],
  };
}

describe('the published ballot set', () => {
  it('names voters by pseudonym: hex SHA-256 of "keiko-governance-voter\\n<proposal>\\n<voter key>" (known vector)', () => {
    expect(pseudonym(PROPOSAL, ANA)).toBe('e6812da97f7f23722094125bbcf8d868a9da5c90131cadda47636c8b06c0c5e8');
  });

  it('encodes a ballot leaf as RFC 8785 JSON in UTF-8 and hashes it as SHA-256(0x00 ‖ bytes) (known vector)', () => {
    const leaf = { proposalId: PROPOSAL, voter: '0f'.repeat(32), statementId: '0b5e9a52-53d4-4f3e-9f43-2c0f2b6a7d11', response: 'yes', abstained: false, via: [pseudonym(PROPOSAL, ANA)] };
    const bytes = ballotLeafBytes(leaf);
    expect(bytes.toString('utf8')).toBe(
      `{"abstained":false,"proposalId":"${PROPOSAL}","response":"yes","statementId":"0b5e9a52-53d4-4f3e-9f43-2c0f2b6a7d11","via":["e6812da97f7f23722094125bbcf8d868a9da5c90131cadda47636c8b06c0c5e8"],"voter":"${'0f'.repeat(32)}"}`,
    );
    expect(leafHashHex(bytes)).toBe('43537fd2382312337cca82c7ce513d3761302cfe2f871eaec5258733df36d377');
  });

  it('writes every ballot leaf as the generic RFC 8785 encoding would (any text: quotes, controls, non-ASCII)', () => {
    const leaf = fc.record({ proposalId: fc.string(), voter: fc.string(), statementId: fc.string(), response: fc.string({ unit: 'binary' }), abstained: fc.boolean(), via: fc.array(fc.string()) });
    fc.assert(fc.property(leaf, (drawn) => ballotLeafBytes(drawn).equals(Buffer.from(canonicalJson(drawn), 'utf8'))));
  });

  it('encodes the decision leaf with its keys sorted at every level and absent fields left out (known vector)', () => {
    const bytes = decisionLeafBytes({
      proposalId: PROPOSAL,
      outcome: 'rejected',
      reason: 'threshold-not-met',
      tally: { counts: { c: 0, b: 1, a: 2 }, rounds: [{ counts: { a: 2, b: 1, c: 0 }, eliminated: ['c'] }], winner: undefined },
      turnout: { eligible: 5, counted: 4, abstained: 1, quorumMet: true },
    });
    expect(bytes.toString('utf8')).toBe(
      `{"outcome":"rejected","proposalId":"${PROPOSAL}","reason":"threshold-not-met","tally":{"counts":{"a":2,"b":1,"c":0},"rounds":[{"counts":{"a":2,"b":1,"c":0},"eliminated":["c"]}]},"turnout":{"abstained":1,"counted":4,"eligible":5,"quorumMet":true}}`,
    );
    expect(leafHashHex(bytes)).toBe('b1223343285b390be2320f650d144733aae03f145cbbb87b7650ce576e03918b');
  });

  it('publishes the log with pseudonyms only, and a root a third party re-derives from the documented encoding', () => {
    const { set, result, tree } = publishBallotSet(proposalLog());
    const published = JSON.stringify(set);
    for (const key of [ANA, BEA, CARLOS, DORA, EVA]) expect(published).not.toContain(key);
    expect(set.input.eligible).toEqual([ANA, BEA, CARLOS, DORA].map((key) => pseudonym(PROPOSAL, key)).sort());
    expect(result.outcome).toBe('adopted'); // yes: Ana, Bea, Dora through Ana; no: Carlos
    expect(set).toMatchObject({ proposalId: PROPOSAL, leaves: 5, root: tree.root });
    expect(result.tally.counts).toMatchObject({ yes: 3, no: 1 });
    expect(set.root).toBe(thirdPartyRoot(set, result));
  });

  it('gives every counted voter a proof that verifies, and none to whoever was not counted', () => {
    const { tree } = publishBallotSet(proposalLog());
    for (const voter of [ANA, BEA, CARLOS, DORA]) {
      const proof = tree.leafOf(pseudonym(PROPOSAL, voter));
      expect(proof).toMatchObject({ treeSize: 5, root: tree.root, leaf: { voter: pseudonym(PROPOSAL, voter), proposalId: PROPOSAL } });
      expect(verifyInclusion(proof!)).toBe(true);
    }
    expect(tree.leafOf(pseudonym(PROPOSAL, DORA))?.leaf).toMatchObject({ response: 'yes', via: [pseudonym(PROPOSAL, ANA)], statementId: ballot(ANA, 'yes', 10).statementId });
    expect(tree.leafOf(pseudonym(PROPOSAL, CARLOS))?.leaf.response).toBe('no');
    const handedOut = tree.leafOf(pseudonym(PROPOSAL, DORA))!;
    handedOut.leaf.response = 'no';
    handedOut.leaf.via.push('changed');
    expect(verifyInclusion(tree.leafOf(pseudonym(PROPOSAL, DORA))!)).toBe(true); // the kept tree is not the caller's to change
    expect(tree.leafOf(pseudonym(PROPOSAL, EVA))).toBeUndefined();
    expect(tree.leafOf(ANA)).toBeUndefined();
  });

  it('refuses tampered proofs: another response, index, sibling, size of another shape, root, the decision leaf\'s place, malformed', () => {
    const proof = publishBallotSet(proposalLog()).tree.leafOf(pseudonym(PROPOSAL, BEA))!;
    const flip = (hex: string) => `${hex[0] === 'f' ? '0' : 'f'}${hex.slice(1)}`;
    const tampered: InclusionProof[] = [
      { ...proof, leaf: { ...proof.leaf, response: 'no' } },
      { ...proof, leaf: { ...proof.leaf, abstained: true } },
      { ...proof, leaf: { ...proof.leaf, voter: pseudonym(PROPOSAL, EVA) } },
      { ...proof, leafIndex: (proof.leafIndex + 1) % 4 },
      { ...proof, path: [flip(proof.path[0]), ...proof.path.slice(1)] },
      { ...proof, path: proof.path.slice(1) },
      { ...proof, treeSize: 9 },
      { ...proof, root: flip(proof.root) },
      { ...proof, leafIndex: 4 },
      { ...proof, path: ['not hex', ...proof.path.slice(1)] },
      { ...proof, root: proof.root.toUpperCase() },
      { ...proof, leaf: undefined } as unknown as InclusionProof,
      { ...proof, path: undefined } as unknown as InclusionProof,
    ];
    expect(verifyInclusion(proof)).toBe(true);
    expect(tampered.map(verifyInclusion)).toEqual(tampered.map(() => false));
  });

  it('recounts a published set to the same result and root (matches), and notices a changed ballot or root', () => {
    const { set, result } = publishBallotSet(proposalLog());
    const again = recount(JSON.parse(JSON.stringify(set)) as PublishedBallotSet);
    expect(again).toEqual({ result, root: set.root, matches: true });
    const changed = JSON.parse(JSON.stringify(set)) as PublishedBallotSet;
    changed.input.ballots[0].response = 'no';
    expect(recount(changed)).toMatchObject({ matches: false });
    expect(recount(changed).result.tally.counts).not.toEqual(result.tally.counts);
    expect(recount({ ...set, root: '00'.repeat(32) }).matches).toBe(false);
    expect(recount({ ...set, leaves: 6 }).matches).toBe(false);
  });

  it('publishes the same set byte for byte whatever the order of the log (a close run again)', () => {
    const log = proposalLog();
    const shuffled = { ...log, eligible: [...log.eligible].reverse(), ballots: [...log.ballots].reverse(), delegations: [...log.delegations].reverse() };
    expect(JSON.stringify(publishBallotSet(shuffled).set)).toBe(JSON.stringify(publishBallotSet(log).set));
    expect(decisionTree(publishBallotSet(log).set).leafOf(pseudonym(PROPOSAL, BEA))).toEqual(publishBallotSet(log).tree.leafOf(pseudonym(PROPOSAL, BEA)));
  });

  // Issue 14 goals: "100% recount reproducibility from the ballot log"; "each voter can fetch an inclusion proof".
  it('for any ballot log: pseudonyms change no count, the recount matches, each counted vote and only those has a proof that verifies, any order publishes the same set', () => {
    fc.assert(
      fc.property(tallyInputArbitrary, fc.infiniteStream(fc.double()), (log, draws) => {
        const { set, result, tree } = publishBallotSet(log);
        const direct = tally(log);
        expect(pick(result)).toEqual(pick(direct));
        expect(recount(JSON.parse(JSON.stringify(set)) as PublishedBallotSet)).toEqual({ result, root: set.root, matches: true });
        const counted = new Map(direct.counted.map((vote) => [vote.voter, vote]));
        for (const voter of new Set([...log.eligible, ...log.ballots.map((entry) => entry.voter)])) {
          const proof = tree.leafOf(pseudonym(log.proposal.id, voter));
          expect(proof?.leaf.response).toBe(counted.get(voter)?.response);
          if (proof) expect(verifyInclusion(proof)).toBe(true);
        }
        const shuffle = <T>(items: T[]) => items.map((item) => ({ item, key: draws.next().value })).sort((a, b) => a.key - b.key).map(({ item }) => item);
        const shuffled = { ...log, eligible: shuffle(log.eligible), ballots: shuffle(log.ballots), delegations: shuffle(log.delegations) };
        expect(JSON.stringify(publishBallotSet(shuffled).set)).toBe(JSON.stringify(set));
      }),
      { numRuns: 300 },
    );
  });

  it('publishes 100,000 ballots and proves any of them with at most 17 hashes', () => {
    const voters = Array.from({ length: 100_000 }, (_, index) => `mbox:mailto:voter-${index}@example.org`);
    const log: TallyInput = { proposal: { id: PROPOSAL, kind: 'policy', rules: RULES }, eligible: voters, ballots: voters.map((voter, index) => ballot(voter, index % 3 === 0 ? 'no' : 'yes', index)), delegations: [] };
    const started = performance.now();
    const { set, tree } = publishBallotSet(log);
    const publishedIn = performance.now() - started;
    expect(set.leaves).toBe(100_001);
    for (const voter of [voters[0], voters[31_337], voters[99_999]]) {
      const proof = tree.leafOf(pseudonym(PROPOSAL, voter))!;
      expect(proof.path.length).toBeLessThanOrEqual(17);
      expect(verifyInclusion(proof)).toBe(true);
    }
    const recountStarted = performance.now();
    expect(recount(set).matches).toBe(true);
    console.log(`100,000 ballots: published (pseudonyms, tally, tree) in ${publishedIn.toFixed(0)} ms, recounted in ${(performance.now() - recountStarted).toFixed(0)} ms`);
  }, 60_000);
});

const pick = ({ outcome, reason, tally: counts, turnout }: TallyResult) => ({ outcome, reason, counts, turnout });

function leafHashHex(bytes: Buffer): string {
  return createHash('sha256').update(Buffer.concat([Buffer.from([0]), bytes])).digest('hex');
}

/**
 * The root as a third party derives it from docs/governance.md, independently of ballot-set's code:
 * leaves written out key by key in sorted order, RFC 6962's recursive MTH.
 */
function thirdPartyRoot(set: PublishedBallotSet, { tally, turnout }: Pick<TallyResult, 'tally' | 'turnout'>): string {
  const [ana, bea, carlos, dora] = [ANA, BEA, CARLOS, DORA].map((key) => pseudonym(PROPOSAL, key));
  const vote = (voter: string, position: number, response: string, via: string[]) =>
    `{"abstained":false,"proposalId":"${PROPOSAL}","response":"${response}","statementId":"${ballot(voter, response, position).statementId}","via":${JSON.stringify(via)},"voter":"${voter}"}`;
  const votes = [vote(ana, 10, 'yes', []), vote(bea, 12, 'yes', []), vote(carlos, 13, 'no', []), vote(dora, 10, 'yes', [ana])];
  const sortedVotes = votes.sort((a, b) => (voterOf(a) < voterOf(b) ? -1 : 1));
  const decision = sortedKeysJson({ outcome: 'adopted', proposalId: PROPOSAL, reason: 'adopted', tally, turnout });
  expect(set.leaves).toBe(5);
  return mth([...sortedVotes, decision].map((text) => Buffer.from(text, 'utf8'))).toString('hex');
}

/** JSON with every object's keys sorted, as json.dumps(value, sort_keys=True, separators=(',', ':')) writes it. */
function sortedKeysJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => (member !== null && typeof member === 'object' && !Array.isArray(member) ? Object.fromEntries(Object.entries(member).sort()) : member));
}

function voterOf(leaf: string): string {
  return (JSON.parse(leaf) as { voter: string }).voter;
}

function mth(leaves: Buffer[]): Buffer {
  const hash = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  if (leaves.length === 1) return hash(Buffer.from([0]), leaves[0]);
  const k = 2 ** Math.floor(Math.log2(leaves.length - 1));
  return hash(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
