/**
 * Proposals, ballots and the close over HTTP on the whole LRS, on both engines (issue 14, "Rules"):
 * every mechanism end to end — submitted, voted, closed by the job, the decision statement with its
 * tally, turnout and ballot-set root, the published set recounted to the same root, each voter's
 * inclusion proof verified; sealed ballots shown as commitments before the close and revealed by
 * it; liquid delegation followed and overridden by a direct vote; the last ballot before the close
 * counting. Statements go through the profile in reject mode: one outside its template fails the request.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import { startVotingLrs, type VotingHarness, type VotingParty } from '../../../../test-support/governance-voting';
import { ballotCommitment } from '../tally';
import { verifyInclusion } from '../ballot-set';
import { EXTENSION, VERB } from '../vocabulary';

describe.each(TEST_ENGINES)('proposals and votes on %s', (engine) => {
  let harness: VotingHarness;
  let members: VotingParty[];

  beforeAll(async () => {
    harness = await startVotingLrs(engine);
    members = [];
    for (const name of ['Ana', 'Bruno', 'Carmen', 'Diego', 'Elena']) members.push(await harness.member(name));
  }, 60_000);
  afterAll(() => harness.close());

  const [ana, bruno, carmen, diego, elena] = [0, 1, 2, 3, 4].map((index) => () => members[index]!);

  async function voted(party: VotingParty, proposalId: string, body: object): Promise<Record<string, any>> {
    const response = await harness.vote(party, proposalId, body);
    expect([response.status, response.body.code, response.body.message]).toEqual([201, undefined, undefined]);
    return response.body;
  }

  it('simple majority: submitted, voted, closed; the decision statement carries tally, turnout and the root the recount and every proof reach', async () => {
    const proposal = await harness.submit(ana());
    expect(proposal).toMatchObject({ community: 'matematicas-madrid', kind: 'standard', state: 'open', submitter: ana().key, rules: { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5, ballotPrivacy: 'public', choices: ['yes', 'no', 'abstain'] } });
    await voted(ana(), proposal.id, { choice: 'yes' });
    await voted(bruno(), proposal.id, { response: 'yes' });
    await voted(carmen(), proposal.id, { choice: 'no' });
    await voted(diego(), proposal.id, { choice: 'abstain' });
    expect(await harness.closeWhenDue(proposal)).toBe(1);

    const decision = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/decision`)).body;
    // 4 of 5 took part (abstention included: 4 ≥ 0.5 × 5); support 2 / 3 > 0.5 (abstention excluded).
    expect(decision).toMatchObject({ outcome: 'adopted', reason: 'adopted', tally: { counts: { yes: 2, no: 1, abstain: 1 } }, turnout: { eligible: 5, counted: 4, abstained: 1, quorumMet: true }, anchoring: { state: 'off' } });
    const statements = await harness.statementsOf(proposal.registration);
    expect(statements.map(({ verb }) => verb.id)).toEqual([VERB.submitted, VERB.voted, VERB.voted, VERB.voted, VERB.voted, VERB.adopted]);
    const decisionStatement = statements[5]!;
    expect(decisionStatement.id).toBe(decision.statementId);
    expect(decisionStatement.result).toEqual({
      success: true,
      response: 'adopted',
      extensions: { [EXTENSION.tally]: decision.tally, [EXTENSION.turnout]: decision.turnout, [EXTENSION.ballotSetRoot]: decision.root },
    });

    const set = (await harness.call(elena(), 'get', `/proposals/${proposal.id}/ballot-set`)).body;
    expect(set).toMatchObject({ proposalId: proposal.id, root: decision.root, leaves: 5 });
    expect(set.input.ballots).toHaveLength(4);
    expect(JSON.stringify(set)).not.toContain(ana().agent.account.name); // voters are pseudonyms
    const recount = (await harness.call(elena(), 'get', `/proposals/${proposal.id}/recount`)).body;
    expect(recount).toMatchObject({ matches: true, root: decision.root, decisionRoot: decision.root, outcome: 'adopted', tally: decision.tally });

    for (const voter of [ana(), bruno(), carmen(), diego()]) {
      const proof = await harness.call(voter, 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(voter.agent))}`);
      expect(proof.status).toBe(200);
      expect(proof.body.root).toBe(decision.root);
      expect(verifyInclusion(proof.body)).toBe(true);
    }
    const none = await harness.call(elena(), 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(elena().agent))}`);
    expect([none.status, none.body.code]).toEqual([404, 'NOT_COUNTED']);
    expect((await harness.call(ana(), 'get', `/proposals/${proposal.id}`)).body).toMatchObject({ state: 'closed', decision: { statementId: decision.statementId, outcome: 'adopted' } });
  }, 60_000);

  /** Each mechanism (issue 14, "A proposal fixes at submission: mechanism…"): its ballots by Ana, Bruno, Carmen, Diego, Elena (undefined: no ballot). */
  const MECHANISMS: Array<{ name: string; rules: Record<string, unknown>; ballots: Array<object | undefined>; expected: Record<string, unknown> }> = [
    {
      name: 'supermajority: support 2/3 > 0.66 (abstention excluded)',
      rules: { mechanism: 'supermajority', quorum: 0.6, threshold: 0.66 },
      ballots: [{ choice: 'yes' }, { choice: 'yes' }, { choice: 'no' }, { choice: 'abstain' }, undefined],
      expected: { outcome: 'adopted', reason: 'adopted', tally: { counts: { yes: 2, no: 1, abstain: 1 } }, turnout: { eligible: 5, counted: 4, abstained: 1, quorumMet: true } },
    },
    {
      name: 'consensus: one block rejects',
      rules: { mechanism: 'consensus', quorum: 0.5, threshold: 0.5 },
      ballots: [{ choice: 'yes' }, { choice: 'yes' }, { choice: 'yes' }, { choice: 'block' }, undefined],
      expected: { outcome: 'rejected', reason: 'blocked', tally: { counts: { yes: 3, no: 0, block: 1, abstain: 0 } }, turnout: { eligible: 5, counted: 4, abstained: 0, quorumMet: true } },
    },
    {
      name: 'approval: the most approved option, 3 of 4 > 0.5',
      rules: { mechanism: 'approval', quorum: 0.5, threshold: 0.5, choices: ['alba', 'berta', 'celia', 'abstain'] },
      ballots: [{ approve: ['alba', 'berta'] }, { approve: ['alba'] }, { response: 'berta[,]celia' }, { approve: ['alba'] }, undefined],
      expected: { outcome: 'adopted', reason: 'adopted', tally: { counts: { alba: 3, berta: 2, celia: 1, abstain: 0 }, winner: 'alba' }, turnout: { eligible: 5, counted: 4, quorumMet: true } },
    },
    {
      name: 'instant-runoff: celia eliminated, her ballot goes to berta, who passes 0.5',
      rules: { mechanism: 'instant-runoff', quorum: 0.5, threshold: 0.5, choices: ['alba', 'berta', 'celia'] },
      ballots: [{ ranking: ['alba', 'berta'] }, { ranking: ['berta', 'alba'] }, { ranking: ['celia', 'berta'] }, { response: 'alba' }, { ranking: ['berta', 'celia'] }],
      expected: {
        outcome: 'adopted',
        reason: 'adopted',
        tally: { winner: 'berta', rounds: [{ counts: { alba: 2, berta: 2, celia: 1 }, eliminated: ['celia'] }, { counts: { alba: 2, berta: 3 } }] },
        turnout: { eligible: 5, counted: 5, abstained: 0, quorumMet: true },
      },
    },
    {
      name: 'score: alba totals 21 of 30, (mean − min)/(max − min) = 0.7 > 0.5',
      rules: { mechanism: 'score', quorum: 0.5, threshold: 0.5, choices: ['alba', 'berta'], scoreRange: { min: 0, max: 10 } },
      ballots: [{ scores: { alba: 8, berta: 3 } }, { scores: { alba: 6, berta: 9 } }, { response: 'alba[.]7[,]berta[.]2' }, undefined, undefined],
      expected: { outcome: 'adopted', reason: 'adopted', tally: { counts: { alba: 21, berta: 14 }, winner: 'alba' }, turnout: { eligible: 5, counted: 3, quorumMet: true } },
    },
    {
      name: 'simple majority without quorum: 2 of 5 < 0.5',
      rules: { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5 },
      ballots: [{ choice: 'yes' }, { choice: 'yes' }, undefined, undefined, undefined],
      expected: { outcome: 'rejected', reason: 'quorum-not-met', tally: { counts: { yes: 2, no: 0 } }, turnout: { eligible: 5, counted: 2, quorumMet: false } },
    },
  ];

  describe('every mechanism end to end, closed in one run of the job', () => {
    const proposals = new Map<string, Record<string, any>>();

    beforeAll(async () => {
      for (const { name, rules } of MECHANISMS) proposals.set(name, await harness.submit(ana(), rules, {}, 10_000));
      await Promise.all(MECHANISMS.flatMap(({ name, ballots }) => ballots.map((ballot, index) => ballot && voted(members[index]!, proposals.get(name)!.id, ballot))));
      const latest = [...proposals.values()].sort((one, other) => Date.parse(other.rules.closesAt) - Date.parse(one.rules.closesAt))[0]!;
      expect(await harness.closeWhenDue(latest)).toBe(MECHANISMS.length);
    }, 60_000);

    it.each(MECHANISMS.map((mechanism) => [mechanism.name, mechanism] as const))('%s', async (_name, { name, expected, ballots }) => {
      const proposal = proposals.get(name)!;
      const decision = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/decision`)).body;
      expect(decision).toMatchObject(expected);
      const [decisionStatement] = (await harness.statementsOf(proposal.registration)).slice(-1);
      expect(decisionStatement.verb.id).toBe(expected.outcome === 'adopted' ? VERB.adopted : VERB.rejected);
      expect(decisionStatement.result).toMatchObject({ success: expected.outcome === 'adopted', response: expected.reason, extensions: { [EXTENSION.tally]: decision.tally, [EXTENSION.ballotSetRoot]: decision.root } });
      expect((await harness.call(elena(), 'get', `/proposals/${proposal.id}/recount`)).body).toMatchObject({ matches: true, root: decision.root, tally: decision.tally });
      for (const [index, ballot] of ballots.entries()) {
        if (ballot === undefined) continue;
        const voter = members[index]!;
        const proof = (await harness.call(voter, 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(voter.agent))}`)).body;
        expect([verifyInclusion(proof), proof.root]).toEqual([true, decision.root]);
      }
    });
  });

  it('sealed ballots: only the commitment is recorded while open; the close reveals each (a statement referring to it) and counts it', async () => {
    const proposal = await harness.submit(ana(), { mechanism: 'simple-majority', quorum: 0.4, threshold: 0.5, ballotPrivacy: 'commitment' });
    const salt = 'chosen-by-bruno-0123456789';
    const anas = await voted(ana(), proposal.id, { choice: 'yes' });
    const brunos = await voted(bruno(), proposal.id, { choice: 'no', salt });
    const carmens = await voted(carmen(), proposal.id, { choice: 'yes' });
    expect(brunos).toMatchObject({ kind: 'commitment', response: 'no', salt, commitment: ballotCommitment('no', salt) });
    expect(anas.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(anas.commitment).toBe(ballotCommitment('yes', anas.salt));

    const before = await harness.statementsOf(proposal.registration);
    expect(before.slice(1).map(({ verb, result }) => [verb.id, result])).toEqual([anas, brunos, carmens].map(({ commitment }) => [VERB.committedBallot, { extensions: { [EXTENSION.ballotCommitment]: commitment } }]));
    const mine = (await harness.call(bruno(), 'get', `/proposals/${proposal.id}/ballot?agent=${encodeURIComponent(JSON.stringify(bruno().agent))}`)).body;
    expect(mine).toMatchObject({ kind: 'commitment', commitment: brunos.commitment, response: 'no', salt });
    expect((await harness.call(elena(), 'get', `/proposals/${proposal.id}/ballot-set`)).body.code).toBe('NOT_CLOSED');

    await harness.closeWhenDue(proposal);
    const after = await harness.statementsOf(proposal.registration);
    const reveals = after.filter(({ verb }) => verb.id === VERB.revealedBallot);
    expect(reveals.map(({ object, result, actor }) => [object, result, actor.account.name]).sort((a, b) => String(a[0].id).localeCompare(b[0].id))).toEqual(
      [
        [anas, 'yes', ana()],
        [brunos, 'no', bruno()],
        [carmens, 'yes', carmen()],
      ]
        .map(([ballot, response, voter]: any) => [{ objectType: 'StatementRef', id: ballot.statementId }, { response, extensions: { [EXTENSION.ballotSalt]: ballot.salt } }, voter.agent.account.name])
        .sort((a, b) => String(a[0].id).localeCompare(b[0].id)),
    );
    const decisionAt = after.findIndex(({ verb }) => verb.id === VERB.adopted);
    expect(decisionAt).toBeGreaterThan(after.indexOf(reveals[reveals.length - 1]!)); // revealed before the tally
    const decision = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/decision`)).body;
    expect(decision).toMatchObject({ outcome: 'adopted', tally: { counts: { yes: 2, no: 1 } }, turnout: { counted: 3 } });
    const set = (await harness.call(elena(), 'get', `/proposals/${proposal.id}/ballot-set`)).body;
    expect(set.input.ballots.map(({ kind, commitment, salt: revealed }: any) => [kind, commitment === ballotCommitment(set.input.ballots.find((b: any) => b.commitment === commitment).response, revealed)])).toEqual([
      ['commitment', true],
      ['commitment', true],
      ['commitment', true],
    ]);
  }, 60_000);

  it('delegation: a member without a ballot votes through their delegate; a direct vote overrides the delegation', async () => {
    const { directory } = harness;
    directory.delegate('matematicas-madrid', carmen().key, ana().key);
    directory.delegate('matematicas-madrid', diego().key, ana().key);
    directory.delegate('matematicas-madrid', elena().key, carmen().key); // a chain: Elena → Carmen → Ana
    try {
      const proposal = await harness.submit(ana());
      await voted(ana(), proposal.id, { choice: 'yes' });
      await voted(bruno(), proposal.id, { choice: 'no' });
      await voted(diego(), proposal.id, { choice: 'no' }); // overrides the delegation to Ana
      await harness.closeWhenDue(proposal);
      const decision = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/decision`)).body;
      // Ana, Carmen (through Ana), Elena (through Carmen, Ana): yes 3; Bruno, Diego: no 2.
      expect(decision).toMatchObject({ outcome: 'adopted', tally: { counts: { yes: 3, no: 2 } }, turnout: { counted: 5 } });
      const proof = (await harness.call(elena(), 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(elena().agent))}`)).body;
      expect(proof.leaf).toMatchObject({ response: 'yes', via: [expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)] });
      expect(verifyInclusion(proof)).toBe(true);
      const diegos = (await harness.call(diego(), 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(diego().agent))}`)).body;
      expect(diegos.leaf).toMatchObject({ response: 'no', via: [] });
    } finally {
      directory.delegations.length = 0;
    }
  }, 60_000);

  it('the last ballot stored before the close counts; a ballot after the close is refused (409 VOTING_CLOSED) and nothing is recorded', async () => {
    const proposal = await harness.submit(ana());
    const first = await voted(ana(), proposal.id, { choice: 'yes' });
    await voted(ana(), proposal.id, { choice: 'no' });
    const last = await voted(ana(), proposal.id, { choice: 'abstain' });
    await voted(bruno(), proposal.id, { choice: 'yes' });
    await voted(carmen(), proposal.id, { choice: 'yes' });
    expect((await harness.call(ana(), 'get', `/proposals/${proposal.id}/ballot?agent=${encodeURIComponent(JSON.stringify(ana().agent))}`)).body).toMatchObject({ statementId: last.statementId, response: 'abstain' });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(proposal.rules.closesAt) - Date.now() + 5));
    const late = await harness.vote(diego(), proposal.id, { choice: 'no' });
    expect([late.status, late.body.code]).toEqual([409, 'VOTING_CLOSED']);
    await harness.proposals.closeDue();
    const decision = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/decision`)).body;
    expect(decision).toMatchObject({ tally: { counts: { yes: 2, no: 0, abstain: 1 } }, turnout: { counted: 3, abstained: 1 } });
    const set = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/ballot-set`)).body;
    expect(set.input.ballots).toHaveLength(5); // the whole log is published: superseded ballots too
    expect(set.input.ballots.map(({ statementId }: any) => statementId)).toContain(first.statementId);
    const proof = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(ana().agent))}`)).body;
    expect(proof.leaf).toMatchObject({ statementId: last.statementId, response: 'abstain', abstained: true });
    expect((await harness.statementsOf(proposal.registration)).filter(({ actor }) => actor.account?.name === diego().agent.account.name)).toEqual([]);
  }, 60_000);

  it('a ballot the route took before the close but the LRS stored after it is answered 409 VOTING_CLOSED, not acknowledged, and counts nowhere', async () => {
    const proposal = await harness.submit(ana());
    await voted(bruno(), proposal.id, { choice: 'yes' });
    const closesAtMs = Date.parse(proposal.rules.closesAt);
    harness.beforeRecording = () => new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAtMs - Date.now() + 20)));
    try {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAtMs - Date.now() - 300)));
      const late = await harness.vote(carmen(), proposal.id, { choice: 'no' });
      expect([late.status, late.body.code]).toEqual([409, 'VOTING_CLOSED']);
      expect(late.body.message).toMatch(/^Your ballot was stored at .*, after voting closed at .*: it does not count$/);
    } finally {
      harness.beforeRecording = undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAtMs - Date.now() + 5)));
    await harness.proposals.closeDue();
    const decision = (await harness.call(ana(), 'get', `/proposals/${proposal.id}/decision`)).body;
    expect(decision).toMatchObject({ tally: { counts: { yes: 1, no: 0 } }, turnout: { counted: 1 } });
  }, 60_000);
});
