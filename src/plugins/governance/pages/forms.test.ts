import { ballotInput, choicesOf, foundInput, fractionOf, proposalInput, utcInstantOf } from './forms';
import { rules } from './stand-ins.contract';

/** The pages' forms read into the structured bodies the services take (the services check them). */
describe('the governance forms', () => {
  describe('a vote form gives the structured ballot of its voting method', () => {
    it('radio buttons of a yes/no method: { choice }', () => {
      expect(ballotInput({ _csrf: 't', choice: 'yes' }, rules())).toEqual({ choice: 'yes' });
      expect(ballotInput({ choice: 'block' }, rules({ mechanism: 'consensus', choices: ['yes', 'no', 'block', 'abstain'] }))).toEqual({ choice: 'block' });
      // Nothing chosen: the service refuses the empty choice naming it (no second rule here).
      expect(ballotInput({}, rules())).toEqual({ choice: undefined });
    });

    it('checkboxes of approval: { approve }, one or many', () => {
      const approval = rules({ mechanism: 'approval', choices: ['a', 'b', 'c', 'abstain'] });
      expect(ballotInput({ approve: 'b' }, approval)).toEqual({ approve: ['b'] });
      expect(ballotInput({ approve: ['a', 'c'] }, approval)).toEqual({ approve: ['a', 'c'] });
      expect(ballotInput({}, approval)).toEqual({ approve: [] });
    });

    it('ordered selects of instant-runoff: { ranking } in rank order, the empty ranks left out', () => {
      const runoff = rules({ mechanism: 'instant-runoff', choices: ['a', 'b', 'c', 'abstain'] });
      expect(ballotInput({ ranking: ['c', '', 'a'] }, runoff)).toEqual({ ranking: ['c', 'a'] });
      expect(ballotInput({ ranking: 'b' }, runoff)).toEqual({ ranking: ['b'] });
    });

    it('number inputs of score: { scores } by option, digits as numbers and anything else as typed for the service to refuse', () => {
      const score = rules({ mechanism: 'score', choices: ['a', 'b', 'abstain'], scoreRange: { min: 0, max: 5 } });
      expect(ballotInput({ score0: '5', score1: '0' }, score)).toEqual({ scores: { a: 5, b: 0 } });
      expect(ballotInput({ score0: 'lots', score1: '2' }, score)).toEqual({ scores: { a: 'lots', b: 2 } });
    });

    it('the abstain button abstains under every method', () => {
      expect(ballotInput({ abstain: '1', ranking: ['a'] }, rules({ mechanism: 'instant-runoff', choices: ['a', 'b', 'abstain'] }))).toEqual({ response: 'abstain' });
    });

    it('refuses a field no vote form has (400 UNKNOWN_PARAMETER)', () => {
      expect(() => ballotInput({ choice: 'yes', weight: '100' }, rules())).toThrow(expect.objectContaining({ status: 400, code: 'UNKNOWN_PARAMETER' }));
    });
  });

  describe('percentages become exact fractions (docs/governance.md: quorum and threshold have at most 6 decimals)', () => {
    it.each([
      ['50', 0.5],
      ['30', 0.3],
      ['66.67', 0.6667],
      ['66,67', 0.6667],
      ['33.3333', 0.333333],
      ['0', 0],
      ['100', 1],
      ['7', 0.07],
    ])('%s %% is %d', (typed, fraction) => {
      expect(fractionOf(typed, 'quorum')).toBe(fraction);
    });

    it.each(['', 'half', '-5', '12.34567', '1e2'])('refuses %j naming the field', (typed) => {
      expect(() => fractionOf(typed, 'threshold')).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_PARAMETER', message: expect.stringContaining('threshold') }));
    });
  });

  it('reads datetime-local values as UTC instants, and leaves anything else to the service', () => {
    expect(utcInstantOf('2027-03-10T10:30')).toBe('2027-03-10T10:30:00.000Z');
    expect(utcInstantOf('2027-03-10T10:30:15')).toBe('2027-03-10T10:30:15.000Z');
    expect(utcInstantOf('')).toBeUndefined();
    expect(utcInstantOf('tomorrow')).toBe('tomorrow');
  });

  it('offers yes/no (block for consensus) or the typed options, always with abstain', () => {
    expect(choicesOf('supermajority', 'x, y')).toEqual(['yes', 'no', 'abstain']);
    expect(choicesOf('consensus', undefined)).toEqual(['yes', 'no', 'block', 'abstain']);
    expect(choicesOf('approval', ' a, b ,, abstain, c')).toEqual(['a', 'b', 'c', 'abstain']);
  });

  it('reads the new-proposal form into the body POST /communities/:slug/proposals takes', () => {
    const body = proposalInput(
      {
        _csrf: 't',
        title: ' Pick the textbook ',
        description: '',
        kind: 'recognition',
        mechanism: 'score',
        options: 'alpha, beta',
        quorum: '30',
        threshold: '66.67',
        opensAt: '',
        closesAt: '2027-03-20T18:00',
        ballotPrivacy: 'commitment',
        scoreMin: '0',
        scoreMax: '10',
        effect: 'recognize',
        effectCommunity: 'science-circle',
        verbs: 'http://adlnet.gov/expapi/verbs/completed',
        activityTypes: '',
        credentialTypes: 'https://example.org/badge, https://example.org/diploma',
        supersedes: '',
      },
      'es',
    );
    expect(body).toEqual({
      title: { es: 'Pick the textbook' },
      description: {},
      kind: 'recognition',
      rules: {
        mechanism: 'score',
        quorum: 0.3,
        threshold: 0.6667,
        closesAt: '2027-03-20T18:00:00.000Z',
        ballotPrivacy: 'commitment',
        choices: ['alpha', 'beta', 'abstain'],
        scoreRange: { min: 0, max: 10 },
      },
      effect: { type: 'recognize', community: 'science-circle', scope: { verbs: ['http://adlnet.gov/expapi/verbs/completed'], credentialTypes: ['https://example.org/badge', 'https://example.org/diploma'] } },
    });
  });

  it('reads a rule to adopt, and no effect when "Nothing" is chosen', () => {
    const form = { title: 'Count completions', kind: 'rule-change', mechanism: 'simple-majority', quorum: '0', threshold: '50', closesAt: '2027-03-20T18:00', ballotPrivacy: 'public' };
    expect(proposalInput({ ...form, effect: 'adopt-rule', effectRule: 'completions', effectRuleName: 'Completions', verbs: 'http://adlnet.gov/expapi/verbs/completed' }, 'en')).toMatchObject({
      effect: { type: 'adopt-rule', rule: 'completions', name: { en: 'Completions' }, criteria: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] } },
    });
    expect(proposalInput({ ...form, effect: 'none' }, 'en')).not.toHaveProperty('effect');
  });

  it('reads the found form with the name and description in the page language', () => {
    expect(foundInput({ slug: ' open-maths ', name: 'Mates', description: 'Docentes' }, 'es')).toEqual({ slug: 'open-maths', name: { es: 'Mates' }, description: { es: 'Docentes' } });
  });
});
