import { ballotCommitment, formatResponse, parseResponse, type ParsedResponse } from './index';
import type { VotingRules } from '../model';

/**
 * Ballot responses (xAPI 1.0.3 Data §2.4.4.1 and appendix C: choice ids; `[,]`-joined lists;
 * `id[.]score` pairs): what proposals/ refuses with 400 UNKNOWN_CHOICE or INVALID_BALLOT, and the
 * normal form counted and published.
 */

function rules(mechanism: VotingRules['mechanism'], choices: string[], scoreRange?: VotingRules['scoreRange']): VotingRules {
  return { mechanism, quorum: 0, threshold: 0.5, opensAt: '2026-03-01T00:00:00Z', closesAt: '2026-03-08T00:00:00Z', ballotPrivacy: 'public', choices, ...(scoreRange && { scoreRange }) };
}

const MAJORITY = rules('simple-majority', ['yes', 'no', 'abstain']);
const CONSENSUS = rules('consensus', ['yes', 'no', 'block', 'abstain']);
const APPROVAL = rules('approval', ['alpha', 'beta', 'gamma', 'abstain']);
const RUNOFF = rules('instant-runoff', ['alpha', 'beta', 'gamma']);
const SCORE = rules('score', ['alpha', 'beta', 'abstain'], { min: 0, max: 10 });

describe('parseResponse', () => {
  it.each<[string, VotingRules, string, ParsedResponse]>([
    ['a yes/no choice', MAJORITY, 'no', { choice: 'no' }],
    ['block under consensus', CONSENSUS, 'block', { choice: 'block' }],
    ['abstain under every mechanism that lists it', APPROVAL, 'abstain', { abstain: true }],
    ['approvals, in the order of choices', APPROVAL, 'gamma[,]alpha', { approve: ['alpha', 'gamma'] }],
    ['a partial ranking, in its own order', RUNOFF, 'gamma[,]alpha', { ranking: ['gamma', 'alpha'] }],
    ['scores, in the order of choices', SCORE, 'beta[.]10[,]alpha[.]0', { scores: { alpha: 0, beta: 10 } }],
  ])('reads %s', (_what, votingRules, response, parsed) => {
    expect(parseResponse(votingRules, response)).toEqual(parsed);
  });

  it.each<[string, VotingRules, string, 'UNKNOWN_CHOICE' | 'INVALID_BALLOT', RegExp]>([
    ['an empty response', MAJORITY, '', 'INVALID_BALLOT', /empty/],
    ['a choice that does not exist', MAJORITY, 'maybe', 'UNKNOWN_CHOICE', /"maybe"/],
    ['block outside consensus', MAJORITY, 'block', 'UNKNOWN_CHOICE', /"block"/],
    ['abstain when not listed', RUNOFF, 'abstain', 'UNKNOWN_CHOICE', /"abstain"/],
    ['an unknown approval', APPROVAL, 'alpha[,]delta', 'UNKNOWN_CHOICE', /"delta"/],
    ['abstain inside a list', APPROVAL, 'alpha[,]abstain', 'UNKNOWN_CHOICE', /"abstain"/],
    ['a repeated option', RUNOFF, 'alpha[,]beta[,]alpha', 'INVALID_BALLOT', /twice/],
    ['an empty id', RUNOFF, 'alpha[,][,]beta', 'INVALID_BALLOT', /empty/],
    ['a comma instead of [,]', APPROVAL, 'alpha,beta', 'UNKNOWN_CHOICE', /"alpha,beta"/],
    ['a score out of range', SCORE, 'alpha[.]11[,]beta[.]0', 'INVALID_BALLOT', /"alpha" is outside 0..10/],
    ['a fractional score', SCORE, 'alpha[.]1.5[,]beta[.]0', 'INVALID_BALLOT', /"alpha" is not an integer/],
    ['a missing score', SCORE, 'alpha[.]3', 'INVALID_BALLOT', /"beta" has no score/],
    ['an option scored twice', SCORE, 'alpha[.]3[,]alpha[.]4[,]beta[.]1', 'INVALID_BALLOT', /"alpha" is scored twice/],
    ['a pair without [.]', SCORE, 'alpha[,]beta[.]1', 'INVALID_BALLOT', /"alpha" is not an id\[\.\]score pair/],
    ['an unknown scored option', SCORE, 'alpha[.]1[,]beta[.]1[,]constructor[.]1', 'UNKNOWN_CHOICE', /"constructor"/],
    ['a score without scoreRange', rules('score', ['alpha', 'beta']), 'alpha[.]1[,]beta[.]1', 'INVALID_BALLOT', /scoreRange/],
  ])('refuses %s', (_what, votingRules, response, code, message) => {
    const parsed = parseResponse(votingRules, response);
    expect(parsed).toEqual({ code, error: expect.stringMatching(message) });
  });
});

describe('formatResponse', () => {
  it('writes structured ballots in the normal form parseResponse reads back', () => {
    expect(formatResponse(APPROVAL, { approve: ['gamma', 'alpha'] })).toBe('alpha[,]gamma');
    expect(formatResponse(RUNOFF, { ranking: ['beta', 'alpha'] })).toBe('beta[,]alpha');
    expect(formatResponse(SCORE, { scores: { beta: 2, alpha: 7 } })).toBe('alpha[.]7[,]beta[.]2');
    expect(formatResponse(MAJORITY, { choice: 'yes' })).toBe('yes');
    expect(formatResponse(MAJORITY, { abstain: true })).toBe('abstain');
    expect(parseResponse(SCORE, formatResponse(SCORE, { scores: { beta: 2, alpha: 7 } }))).toEqual({ scores: { alpha: 7, beta: 2 } });
  });

  it('drops nothing, so that a structured ballot with an unknown or repeated id is still refused', () => {
    expect(formatResponse(APPROVAL, { approve: ['delta', 'gamma', 'alpha'] })).toBe('alpha[,]gamma[,]delta');
    expect(parseResponse(APPROVAL, formatResponse(APPROVAL, { approve: ['delta', 'alpha'] }))).toEqual({ code: 'UNKNOWN_CHOICE', error: expect.stringMatching(/"delta"/) });
    expect(parseResponse(APPROVAL, formatResponse(APPROVAL, { approve: ['alpha', 'alpha'] }))).toEqual({ code: 'INVALID_BALLOT', error: expect.stringMatching(/twice/) });
    expect(parseResponse(SCORE, formatResponse(SCORE, { scores: { alpha: 1, beta: 2, delta: 3 } }))).toEqual({ code: 'UNKNOWN_CHOICE', error: expect.stringMatching(/"delta"/) });
  });
});

describe('ballotCommitment', () => {
  it("is the profile's: hex SHA-256 of salt ‖ ':' ‖ response (its example ballot-committed / ballot-revealed pair)", () => {
    expect(ballotCommitment('no', 'q3Jm0bK9VZ2yR8dXo1tCwA')).toBe('544366016c7b55c4c762cfeee372a17dfde3150779425e7c67cf7a41686231d2');
    expect(ballotCommitment('yes', 'q3Jm0bK9VZ2yR8dXo1tCwA')).not.toBe('544366016c7b55c4c762cfeee372a17dfde3150779425e7c67cf7a41686231d2');
  });
});
