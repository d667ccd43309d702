/**
 * Hostile input to proposals and ballots over HTTP, on both engines (issue 14, "Goals": a vote
 * from a non-member, after close, for a choice that does not exist → refused as the rules say,
 * never a 5xx): each refusal is a 4xx with a stable code and a message naming the field, and
 * nothing is recorded; random bodies never get a 5xx.
 */
import fc from 'fast-check';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { COMMUNITY, startVotingLrs, type VotingHarness, type VotingParty } from '../../../../test-support/governance-voting';

const HOUR_MS = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR_MS).toISOString();
const RULES = { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5 };
const BODY = { title: { en: 'Adopt the timetable' }, kind: 'standard' };

describe.each(TEST_ENGINES)('hostile input to proposals and ballots on %s', (engine) => {
  let harness: VotingHarness;
  let member: VotingParty;
  let open: Record<string, any>;
  let statementsBefore: number;

  beforeAll(async () => {
    harness = await startVotingLrs(engine);
    member = await harness.member('Ana');
    open = await harness.submit(member, { closesAt: inHours(24) }, {}, HOUR_MS);
  }, 60_000);
  afterAll(() => harness.close());
  beforeEach(async () => {
    statementsBefore = await storedCount();
  });
  afterEach(async () => {
    expect(await storedCount()).toBe(statementsBefore); // nothing recorded by a refused request
  });

  async function storedCount(): Promise<number> {
    return (await harness.statementsOf(open.registration)).length;
  }
  const submit = (body: object, party = member, slug = COMMUNITY) => harness.call(party, 'post', `/communities/${slug}/proposals`, body);
  const withRules = (rules: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...BODY, rules: { ...RULES, closesAt: inHours(24), ...rules }, ...extra });

  it.each([
    ['an unknown mechanism', withRules({ mechanism: 'loudest-voice' }), 'INVALID_VOTING_RULES', 'rules.mechanism'],
    ['a quorum above 1', withRules({ quorum: 1.5 }), 'INVALID_VOTING_RULES', 'rules.quorum'],
    ['a negative threshold', withRules({ mechanism: 'approval', threshold: -0.1, choices: ['a1', 'b1'] }), 'INVALID_VOTING_RULES', 'rules.threshold'],
    ['a quorum with 7 decimals', withRules({ quorum: 0.1234567 }), 'INVALID_VOTING_RULES', 'rules.quorum'],
    ['a quorum given as text', withRules({ quorum: '0.5' }), 'INVALID_VOTING_RULES', 'rules.quorum'],
    ['simple majority with threshold 0.6', withRules({ threshold: 0.6 }), 'INVALID_VOTING_RULES', 'rules.threshold must be 0.5'],
    ['supermajority at 0.5', withRules({ mechanism: 'supermajority', threshold: 0.5 }), 'INVALID_VOTING_RULES', 'above 0.5'],
    ['closesAt before opensAt', withRules({ opensAt: inHours(2), closesAt: inHours(1) }), 'INVALID_VOTING_RULES', 'rules.closesAt must be after rules.opensAt'],
    ['closesAt equal to opensAt', withRules({ opensAt: inHours(2), closesAt: inHours(2) }), 'INVALID_VOTING_RULES', 'rules.closesAt must be after'],
    ['opensAt in the past', withRules({ opensAt: inHours(-1) }), 'INVALID_VOTING_RULES', 'rules.opensAt must not be in the past'],
    ['a window over a year', withRules({ closesAt: inHours(24 * 400) }), 'INVALID_VOTING_RULES', 'at most a year'],
    ['a date that does not exist', withRules({ closesAt: '2030-02-30T10:00:00Z' }), 'INVALID_VOTING_RULES', 'rules.closesAt must be an RFC 3339'],
    ['a time without an offset', withRules({ closesAt: '2030-01-01T10:00:00' }), 'INVALID_VOTING_RULES', 'rules.closesAt must be an RFC 3339'],
    ['no closesAt', withRules({ closesAt: undefined }), 'INVALID_VOTING_RULES', 'rules.closesAt'],
    ['an unknown privacy', withRules({ ballotPrivacy: 'secret' }), 'INVALID_VOTING_RULES', 'rules.ballotPrivacy'],
    ['yes/no choices without no', withRules({ choices: ['yes', 'abstain'] }), 'INVALID_VOTING_RULES', 'must include yes and no'],
    ['block outside consensus', withRules({ choices: ['yes', 'no', 'block'] }), 'INVALID_VOTING_RULES', 'may only be yes, no, abstain'],
    ['approval with one option', withRules({ mechanism: 'approval', choices: ['solo', 'abstain'] }), 'INVALID_VOTING_RULES', 'at least 2 options'],
    ['a choice listed twice', withRules({ mechanism: 'instant-runoff', choices: ['alba', 'alba', 'berta'] }), 'INVALID_VOTING_RULES', 'twice'],
    ['a malformed choice id', withRules({ mechanism: 'approval', choices: ['Alba!', 'berta'] }), 'INVALID_VOTING_RULES', 'rules.choices'],
    ['101 choices', withRules({ mechanism: 'approval', choices: Array.from({ length: 101 }, (_, index) => `c${index}`) }), 'INVALID_VOTING_RULES', 'rules.choices'],
    ['score without a range', withRules({ mechanism: 'score', choices: ['alba', 'berta'] }), 'INVALID_VOTING_RULES', 'rules.scoreRange'],
    ['a score range beyond 100', withRules({ mechanism: 'score', choices: ['alba', 'berta'], scoreRange: { min: 0, max: 1000 } }), 'INVALID_VOTING_RULES', '0 ≤ min < max ≤ 100'],
    ['a score range outside score', withRules({ scoreRange: { min: 0, max: 5 } }), 'INVALID_VOTING_RULES', 'score mechanism only'],
    ['an unknown rules field', withRules({ weight: 2 }), 'INVALID_VOTING_RULES', 'Unknown field rules.weight'],
    ['rules that are no object', { ...BODY, rules: 'majority' }, 'INVALID_VOTING_RULES', 'rules must be a JSON object'],
    ['an unknown kind', withRules({}, { kind: 'coup' }), 'INVALID_PROPOSAL', 'kind must be one of'],
    ['no title', withRules({}, { title: undefined }), 'INVALID_PROPOSAL', 'title'],
    ['a title of 10,000 characters', withRules({}, { title: { en: 'x'.repeat(10_000) } }), 'INVALID_PROPOSAL', 'title.en'],
    ['a title in Klingon', withRules({}, { title: { tlh: 'Qapla' } }), 'INVALID_PROPOSAL', 'the languages are en and es'],
    ['an unknown field', withRules({}, { budget: 1e9 }), 'INVALID_PROPOSAL', 'Unknown field budget'],
    ['a malformed supersedes', withRules({}, { supersedes: 'last-one' }), 'INVALID_PROPOSAL', 'supersedes'],
    ['a supersedes naming no proposal', withRules({}, { supersedes: '3f0d1c2e-5b6a-4c7d-8e9f-0a1b2c3d4e5f' }), 'INVALID_PROPOSAL', 'supersedes names no proposal'],
    ['a rule change without effect', withRules({}, { kind: 'rule-change' }), 'INVALID_EFFECT', 'needs an effect'],
    ['an effect that does not match the kind', withRules({}, { kind: 'policy', effect: { type: 'retire-rule', rule: 'old-rule' } }), 'INVALID_EFFECT', 'needs kind rule-change'],
    ['a rule with no criteria', withRules({}, { kind: 'rule-change', effect: { type: 'adopt-rule', rule: 'python', name: { en: 'Python' }, criteria: {} } }), 'INVALID_EFFECT', 'effect.criteria must name'],
    ['criteria verbs that are not IRIs', withRules({}, { kind: 'rule-change', effect: { type: 'adopt-rule', rule: 'python', name: { en: 'Python' }, criteria: { verbs: ['completed'] } } }), 'INVALID_EFFECT', 'effect.criteria.verbs'],
    ['recognising an unknown community', withRules({}, { kind: 'recognition', effect: { type: 'recognize', community: 'nobody-here', scope: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] } } }), 'INVALID_EFFECT', 'effect.community names no community'],
    ['recognising itself', withRules({}, { kind: 'recognition', effect: { type: 'recognize', community: COMMUNITY, scope: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] } } }), 'INVALID_EFFECT', 'another community'],
    ['a recognition without scope', withRules({}, { kind: 'recognition', effect: { type: 'recognize', community: 'valencia-programmers' } }), 'INVALID_EFFECT', 'effect.scope'],
  ].map(([name, body, code, message]) => [name, code, message, body as object] as const))('a proposal with %s → 400 %s naming the field (%s)', async (_case, code, message, body) => {
    const response = await submit(body);
    expect([response.status, response.body.code]).toEqual([400, code]);
    expect(response.body.message).toContain(message);
  });

  it('a proposal from a non-member → 403 NOT_A_MEMBER; in an unknown community → 404 UNKNOWN_COMMUNITY', async () => {
    const outsider = await harness.outsider();
    const refused = await submit(withRules({}), outsider);
    expect([refused.status, refused.body.code]).toEqual([403, 'NOT_A_MEMBER']);
    const unknown = await submit(withRules({}), member, 'atlantis');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNKNOWN_COMMUNITY']);
    expect((await harness.call(member, 'get', '/communities/atlantis/proposals')).body.code).toBe('UNKNOWN_COMMUNITY');
  });

  it('a proposal superseding one that is still open → 409 NOT_ADOPTED', async () => {
    const response = await submit(withRules({}, { supersedes: open.id }));
    expect([response.status, response.body.code]).toEqual([409, 'NOT_ADOPTED']);
  });

  it.each([
    ['a choice that does not exist', { choice: 'maybe' }, 400, 'UNKNOWN_CHOICE', 'maybe'],
    ['a response that does not exist', { response: 'yes[,]no' }, 400, 'UNKNOWN_CHOICE', 'yes[,]no'],
    ['an empty response', { response: '' }, 400, 'INVALID_BALLOT', 'response'],
    ['two forms at once', { choice: 'yes', response: 'yes' }, 400, 'INVALID_BALLOT', 'exactly one of'],
    ['no form', {}, 400, 'INVALID_BALLOT', 'exactly one of'],
    ['a ranking on a yes/no proposal', { ranking: ['yes', 'no'] }, 400, 'UNKNOWN_CHOICE', 'yes[,]no'],
    ['a salt on a public proposal', { choice: 'yes', salt: 'a'.repeat(22) }, 400, 'INVALID_BALLOT', 'salt'],
    ['an unknown field', { choice: 'yes', weight: 100 }, 400, 'INVALID_BALLOT', 'Unknown field weight'],
    ['a response of 100,000 characters', { response: 'y'.repeat(100_000) }, 400, 'INVALID_BALLOT', 'response'],
  ].map(([name, body, status, code, message]) => [name, status, code, message, body as object] as const))('a ballot with %s → %i %s', async (_case, status, code, message, body) => {
    const response = await harness.vote(member, open.id, body);
    expect([response.status, response.body.code]).toEqual([status, code]);
    expect(response.body.message).toContain(message);
  });

  it('a ballot from a non-member, or from a member who joined after the proposal opened → 403 NOT_ELIGIBLE', async () => {
    const outsider = await harness.outsider();
    const refused = await harness.vote(outsider, open.id, { choice: 'yes' });
    expect([refused.status, refused.body.code]).toEqual([403, 'NOT_ELIGIBLE']);
    const late = await harness.outsider('Late');
    harness.directory.join(COMMUNITY, late.key); // joined now, after opensAt
    const lateVote = await harness.vote(late, open.id, { choice: 'yes' });
    expect([lateVote.status, lateVote.body.code]).toEqual([403, 'NOT_ELIGIBLE']);
    expect(lateVote.body.message).toContain('joined before');
  });

  it('a ballot before opensAt → 409 VOTING_NOT_OPEN; on an unknown proposal → 404; with a malformed id → 400', async () => {
    const later = await harness.submit(member, { opensAt: inHours(1), closesAt: inHours(2) });
    statementsBefore = await storedCount();
    const early = await harness.vote(member, later.id, { choice: 'yes' });
    expect([early.status, early.body.code]).toEqual([409, 'VOTING_NOT_OPEN']);
    const unknown = await harness.vote(member, '3f0d1c2e-5b6a-4c7d-8e9f-0a1b2c3d4e5f', { choice: 'yes' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'PROPOSAL_NOT_FOUND']);
    const malformed = await harness.vote(member, 'not-a-uuid', { choice: 'yes' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect((await harness.call(member, 'get', `/proposals/${open.id}/proof`)).body.code).toBe('NOT_CLOSED');
    expect((await harness.call(member, 'get', `/proposals/${open.id}/decision`)).body.code).toBe('NOT_CLOSED');
    expect((await harness.call(member, 'get', `/proposals/${open.id}/recount`)).body.code).toBe('NOT_CLOSED');
  });

  it('random bodies never get a 5xx (property)', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const rulesLike = fc.record({ mechanism: fc.oneof(fc.constantFrom('simple-majority', 'supermajority', 'consensus', 'approval', 'instant-runoff', 'score'), json), quorum: fc.oneof(fc.double(), json), threshold: fc.oneof(fc.double(), json), closesAt: fc.oneof(fc.date().map((date) => (Number.isNaN(date.getTime()) ? 'x' : date.toISOString())), json), choices: fc.oneof(fc.array(fc.string(), { maxLength: 5 }), json), scoreRange: json }, { requiredKeys: [] });
    const proposalLike = fc.record({ title: fc.oneof(fc.string(), json), kind: fc.oneof(fc.constantFrom('standard', 'rule-change', 'recognition'), json), rules: fc.oneof(rulesLike, json), effect: json, supersedes: json }, { requiredKeys: [] });
    const ballotLike = fc.record({ response: json, choice: fc.oneof(fc.constantFrom('yes', 'no', 'abstain'), json), approve: json, ranking: json, scores: json, salt: json }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(proposalLike, ballotLike, async (proposal, ballot) => {
        const submitted = await submit(proposal);
        const cast = await harness.vote(member, open.id, ballot);
        for (const response of [submitted, cast]) expect([response.status < 500, response.body.code]).toEqual([true, expect.any(String)]);
      }),
      { numRuns: 60, seed: 14 },
    );
  }, 60_000);
});
