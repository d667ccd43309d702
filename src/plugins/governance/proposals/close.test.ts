/**
 * The close job over HTTP on the whole LRS, on both engines (issue 14, "A decision never changes";
 * docs/governance.md, "The close"): a second run changes nothing; a run that dies at any step (the
 * reveals, the decision, carrying out the effect) and the run after it give one decision, the same
 * statements and the effect carried out once; a close waits until onEvents has applied everything
 * stored before it, so a ballot stored before closesAt is never left out.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import { startVotingLrs, type VotingHarness, type VotingParty } from '../../../../test-support/governance-voting';
import { EXTENSION, VERB } from '../vocabulary';

const RULE_CHANGE = {
  kind: 'rule-change',
  effect: { type: 'adopt-rule', rule: 'python-badge', name: { en: 'Python badge', es: 'Insignia de Python' }, criteria: { verbs: ['http://adlnet.gov/expapi/verbs/completed'], minScaledScore: 0.8 } },
};

describe.each(TEST_ENGINES)('closing proposals on %s', (engine) => {
  let harness: VotingHarness;
  let ana: VotingParty;
  let bruno: VotingParty;

  beforeAll(async () => {
    harness = await startVotingLrs(engine);
    ana = await harness.member('Ana');
    bruno = await harness.member('Bruno');
  }, 60_000);
  afterAll(() => harness.close());
  afterEach(() => {
    harness.failRecording = undefined;
    harness.directory.failCarryOut = 0;
  });

  const decisions = async (registration: string) => (await harness.statementsOf(registration)).filter(({ verb }) => verb.id === VERB.adopted || verb.id === VERB.rejected);

  async function votedOn(proposal: Record<string, any>): Promise<void> {
    for (const party of [ana, bruno]) expect((await harness.vote(party, proposal.id, { choice: 'yes' })).status).toBe(201);
  }

  it('a second run of the job records nothing more: one decision', async () => {
    const proposal = await harness.submit(ana);
    await votedOn(proposal);
    expect(await harness.closeWhenDue(proposal)).toBe(1);
    expect(await harness.proposals.closeDue()).toBe(0);
    expect(await decisions(proposal.registration)).toHaveLength(1);
  }, 60_000);

  it('a run dying before its decision is recorded, then the next run: the same reveals, one decision at the first run’s moment, the ballot set it published', async () => {
    const proposal = await harness.submit(ana, { ballotPrivacy: 'commitment' });
    await votedOn(proposal);
    harness.failRecording = (statement) => statement.verb.id === VERB.adopted || statement.verb.id === VERB.rejected;
    await expect(harness.closeWhenDue(proposal)).rejects.toThrow('recording failed (injected)');
    const revealed = (await harness.statementsOf(proposal.registration)).filter(({ verb }) => verb.id === VERB.revealedBallot);
    expect(revealed).toHaveLength(2);
    expect(await decisions(proposal.registration)).toEqual([]);
    expect((await harness.call(ana, 'get', `/proposals/${proposal.id}/decision`)).body.code).toBe('NOT_CLOSED');

    harness.failRecording = undefined;
    await new Promise((resolve) => setTimeout(resolve, 20)); // a later moment: the decision keeps the first run's
    expect(await harness.proposals.closeDue()).toBe(1);
    const [decision, ...more] = await decisions(proposal.registration);
    expect(more).toEqual([]);
    expect(decision!.timestamp).toBe(revealed[0]!.timestamp);
    expect((await harness.statementsOf(proposal.registration)).filter(({ verb }) => verb.id === VERB.revealedBallot).map(({ id }) => id).sort()).toEqual(revealed.map(({ id }) => id).sort());
    expect(decision!.result).toMatchObject({ success: true, extensions: { [EXTENSION.tally]: { counts: { yes: 2 } } } });
    const recount = (await harness.call(bruno, 'get', `/proposals/${proposal.id}/recount`)).body;
    expect([recount.matches, recount.root]).toEqual([true, decision!.result.extensions[EXTENSION.ballotSetRoot]]);
  }, 60_000);

  it('a run dying while revealing, then the next run: every sealed ballot revealed once and counted', async () => {
    const proposal = await harness.submit(ana, { ballotPrivacy: 'commitment' });
    await votedOn(proposal);
    harness.failRecording = (statement) => statement.verb.id === VERB.revealedBallot;
    await expect(harness.closeWhenDue(proposal)).rejects.toThrow('recording failed (injected)');
    harness.failRecording = undefined;
    expect(await harness.proposals.closeDue()).toBe(1);
    const statements = await harness.statementsOf(proposal.registration);
    expect(statements.filter(({ verb }) => verb.id === VERB.revealedBallot)).toHaveLength(2);
    expect((await harness.call(ana, 'get', `/proposals/${proposal.id}/decision`)).body).toMatchObject({ outcome: 'adopted', tally: { counts: { yes: 2 } } });
  }, 60_000);

  it('a run dying while carrying out the adopted rule change, then the next run: carried out once, with the one decision', async () => {
    const proposal = await harness.submit(ana, {}, RULE_CHANGE);
    await votedOn(proposal);
    harness.directory.failCarryOut = 1;
    await expect(harness.closeWhenDue(proposal)).rejects.toThrow('carryOut failed (injected)');
    const [decision] = await decisions(proposal.registration);
    expect(decision!.verb.id).toBe(VERB.adopted);
    expect(harness.directory.carriedOut.filter(({ proposalId }) => proposalId === proposal.id)).toEqual([]);

    expect(await harness.proposals.closeDue()).toBe(1);
    expect(await harness.proposals.closeDue()).toBe(0);
    expect(harness.directory.carriedOut.filter(({ proposalId }) => proposalId === proposal.id)).toEqual([{ proposalId: proposal.id, decisionStatementId: decision!.id, effect: RULE_CHANGE.effect }]);
    expect(await decisions(proposal.registration)).toHaveLength(1);
  }, 60_000);

  it('a rejected rule change is not carried out', async () => {
    const proposal = await harness.submit(ana, {}, RULE_CHANGE);
    for (const party of [ana, bruno]) expect((await harness.vote(party, proposal.id, { choice: 'no' })).status).toBe(201);
    await harness.closeWhenDue(proposal);
    expect((await harness.call(ana, 'get', `/proposals/${proposal.id}/decision`)).body).toMatchObject({ outcome: 'rejected', reason: 'threshold-not-met' });
    expect(harness.directory.carriedOut.filter(({ proposalId }) => proposalId === proposal.id)).toEqual([]);
  }, 60_000);

  it('the close waits until onEvents has applied every statement stored before it: a ballot stored before closesAt but not yet applied is counted, not lost', async () => {
    const proposal = await harness.submit(ana);
    expect((await harness.vote(ana, proposal.id, { choice: 'yes' })).status).toBe(201);
    const release = harness.holdEvents();
    try {
      expect((await harness.vote(bruno, proposal.id, { choice: 'no' })).status).toBe(201); // stored; onEvents held back
      expect(await harness.closeWhenDue(proposal)).toBe(0); // not caught up: no decision yet
      expect(await decisions(proposal.registration)).toEqual([]);
    } finally {
      release();
    }
    expect(await harness.proposals.closeDue()).toBe(1);
    expect((await harness.call(ana, 'get', `/proposals/${proposal.id}/decision`)).body).toMatchObject({ outcome: 'rejected', reason: 'threshold-not-met', tally: { counts: { yes: 1, no: 1 } } });
  }, 60_000);

  it('an adopted proposal superseding an earlier adopted one marks the earlier decision supersededBy, which is otherwise unchanged', async () => {
    const first = await harness.submit(ana);
    await votedOn(first);
    await harness.closeWhenDue(first);
    const decided = (await harness.call(ana, 'get', `/proposals/${first.id}`)).body.decision;
    const second = await harness.submit(ana, {}, { supersedes: first.id });
    expect(second.supersedes).toBe(first.id);
    await votedOn(second);
    await harness.closeWhenDue(second);
    const after = (await harness.call(ana, 'get', `/proposals/${first.id}`)).body.decision;
    expect(after).toEqual({ ...decided, supersededBy: second.id });
    const [submitted] = await harness.statementsOf(second.registration);
    expect(submitted.context.extensions).toEqual({ [EXTENSION.supersedes]: first.id });
  }, 60_000);
});
