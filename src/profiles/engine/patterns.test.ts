/**
 * Pattern matching per registration (Part Two §9.0, Part Three §2.2): every combinator, nesting,
 * failure after a wrong statement, in-progress, traces, and the size of the persisted state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Cmi5Verb, cmi5Statement } from '../published/cmi5/statements';
import { VideoVerb, videoStatement } from '../published/video/statements';
import { profileDocument } from './document-builder';
import {
  CompiledProfile,
  PatternState,
  PatternStatus,
  SUBREGISTRATION_EXTENSION,
  advancePatterns,
  checkStatement,
  compileProfile,
  initialPatternStates,
  registrationKey,
} from './index';
import { EXAMPLE_VERSION_ID } from './document-builder';

const ex = (name: string) => `https://example.org/profiles/example/${name}`;
const t = (name: string) => ex(`templates/${name}`);
const p = (name: string) => ex(`patterns/${name}`);

function compiled(document: unknown): CompiledProfile {
  const result = compileProfile(document);
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result.profile;
}

/** A profile with templates a…e and the given patterns; the first is the primary one. */
function withPrimary(primary: Record<string, unknown>, ...others: Array<Record<string, unknown>>): CompiledProfile {
  return compiled(
    profileDocument({
      templates: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ id: t(name), verb: ex(`verbs/${name}`) })),
      patterns: [{ id: p('main'), primary: true, ...primary }, ...others],
    }),
  );
}

/** Feeds statements matching the given templates (a statement may match several: "a+b"); returns each step's status. */
function run(profile: CompiledProfile, steps: string[]): { statuses: PatternStatus[]; traces: string[][]; state: PatternState } {
  let state = initialPatternStates(profile);
  const statuses: PatternStatus[] = [];
  const traces: string[][] = [];
  for (const step of steps) {
    const matched = step === '' ? [] : step.split('+').map(t);
    const next = advancePatterns(profile, state, matched);
    state = next.state;
    statuses.push(next.results[0]!.status);
    traces.push(next.results[0]!.trace);
  }
  return { statuses, traces, state };
}

const finalStatus = (profile: CompiledProfile, steps: string[]) => run(profile, steps).statuses.at(-1);

describe('pattern combinators (Part Two §9.0)', () => {
  it('sequence: in order, all of them', () => {
    const profile = withPrimary({ sequence: [t('a'), t('b'), t('c')] });
    expect(run(profile, ['a', 'b', 'c']).statuses).toEqual(['in-progress', 'in-progress', 'matched']);
    expect(finalStatus(profile, ['a', 'c'])).toBe('failed');
    expect(finalStatus(profile, ['b'])).toBe('failed');
    expect(finalStatus(profile, ['a', 'b', 'c', 'a'])).toBe('failed');
  });

  it('alternates: any one member', () => {
    const profile = withPrimary({ alternates: [t('a'), t('b')] });
    expect(finalStatus(profile, ['a'])).toBe('matched');
    expect(finalStatus(profile, ['b'])).toBe('matched');
    expect(finalStatus(profile, ['c'])).toBe('failed');
    expect(finalStatus(profile, ['a', 'b'])).toBe('failed');
  });

  it('optional: once or not at all', () => {
    const profile = withPrimary({ sequence: [p('maybe-a'), t('b')] }, { id: p('maybe-a'), optional: t('a') });
    expect(finalStatus(profile, ['b'])).toBe('matched');
    expect(finalStatus(profile, ['a', 'b'])).toBe('matched');
    expect(finalStatus(profile, ['a', 'a', 'b'])).toBe('failed');
  });

  it('oneOrMore: at least once', () => {
    const profile = withPrimary({ oneOrMore: t('a') });
    const thenB = withPrimary({ sequence: [p('as'), t('b')] }, { id: p('as'), oneOrMore: t('a') });
    expect(finalStatus(thenB, ['b'])).toBe('failed');
    expect(run(profile, ['a', 'a', 'a']).statuses).toEqual(['matched', 'matched', 'matched']);
    expect(finalStatus(profile, ['a', 'b'])).toBe('failed');
  });

  it('zeroOrMore: any number of times, none included', () => {
    const profile = withPrimary({ zeroOrMore: t('a') });
    expect(run(profile, ['a', 'a']).statuses).toEqual(['matched', 'matched']);
    expect(finalStatus(profile, ['b'])).toBe('failed');
    const thenB = withPrimary({ sequence: [p('as'), t('b')] }, { id: p('as'), zeroOrMore: t('a') });
    expect(finalStatus(thenB, ['b'])).toBe('matched');
    expect(finalStatus(thenB, ['a', 'a', 'b'])).toBe('matched');
  });

  it('nests: sequence[a, zeroOrMore(alternates[b, c]), oneOrMore(d)]', () => {
    const profile = withPrimary(
      { sequence: [t('a'), p('middle'), p('ds')] },
      { id: p('middle'), zeroOrMore: p('b-or-c') },
      { id: p('b-or-c'), alternates: [t('b'), t('c')] },
      { id: p('ds'), oneOrMore: t('d') },
    );
    expect(run(profile, ['a', 'b', 'c', 'b', 'd', 'd']).statuses).toEqual(['in-progress', 'in-progress', 'in-progress', 'in-progress', 'matched', 'matched']);
    expect(finalStatus(profile, ['a', 'd'])).toBe('matched');
    expect(finalStatus(profile, ['a', 'b', 'd', 'c'])).toBe('failed');
  });

  it('once failed, stays failed', () => {
    const profile = withPrimary({ zeroOrMore: t('a') });
    expect(run(profile, ['a', 'e', 'a']).statuses).toEqual(['matched', 'failed', 'failed']);
  });

  it('a statement matching no template of the profile fails the patterns (Part Three §2.2 follows)', () => {
    const profile = withPrimary({ zeroOrMore: t('a') });
    expect(run(profile, ['a', '']).statuses).toEqual(['matched', 'failed']);
  });

  it('a statement matching several templates advances with whichever fits, and the trace says which', () => {
    const profile = withPrimary({ sequence: [t('a'), t('b')] });
    const { statuses, traces } = run(profile, ['a+c', 'b+a']);
    expect(statuses).toEqual(['in-progress', 'matched']);
    expect(traces).toEqual([[t('a')], [t('b')]]);
  });

  it('keeps every way a sequence may still go (sequence[zeroOrMore(a), a] after a is both in progress and matched)', () => {
    const profile = withPrimary({ sequence: [p('as'), t('a')] }, { id: p('as'), zeroOrMore: t('a') });
    expect(run(profile, ['a', 'a']).statuses).toEqual(['matched', 'matched']);
  });

  it('an unfinished repetition is in progress, not matched (zeroOrMore(sequence[a, b]) after a)', () => {
    const profile = withPrimary({ zeroOrMore: p('ab') }, { id: p('ab'), sequence: [t('a'), t('b')] });
    expect(run(profile, ['a', 'b', 'a']).statuses).toEqual(['in-progress', 'matched', 'in-progress']);
  });

  it('starts over from a state of another profile version or a damaged one', () => {
    const profile = withPrimary({ sequence: [t('a'), t('b')] });
    const foreign = { version: 'https://example.org/other', positions: [[1]] };
    expect(advancePatterns(profile, foreign, [t('a')]).results[0]!.status).toBe('in-progress');
    const damaged = { version: profile.versionId, positions: [[999]] } as PatternState;
    expect(advancePatterns(profile, damaged, [t('b')]).results[0]!.status).toBe('failed');
  });

  it('reports primary patterns only, each with its own state', () => {
    const profile = compiled(
      profileDocument({
        templates: ['a', 'b'].map((name) => ({ id: t(name), verb: ex(`verbs/${name}`) })),
        patterns: [
          { id: p('first'), primary: true, sequence: [t('a'), t('b')] },
          { id: p('second'), primary: true, oneOrMore: t('a') },
          { id: p('helper'), alternates: [t('a'), t('b')] },
        ],
      }),
    );
    const { results } = advancePatterns(profile, initialPatternStates(profile), [t('a')]);
    expect(results).toEqual([
      { patternId: p('first'), status: 'in-progress', trace: [t('a')] },
      { patternId: p('second'), status: 'matched', trace: [t('a')] },
    ]);
  });
});

describe('cmi5 sessions against the cmi5 primary pattern', () => {
  const cmi5 = compiled(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'published', 'cmi5', 'cmi5-v1.0-keiko.jsonld'), 'utf8')));
  const none = () => undefined;

  function session(verbs: Cmi5Verb[]) {
    let state = initialPatternStates(cmi5);
    const statuses: PatternStatus[] = [];
    const traces: string[][] = [];
    let largest = JSON.stringify(state).length;
    for (const verb of verbs) {
      const { matched } = checkStatement(cmi5, cmi5Statement(verb), none);
      const next = advancePatterns(cmi5, state, matched);
      state = next.state;
      largest = Math.max(largest, JSON.stringify(state).length);
      statuses.push(next.results[0]!.status);
      traces.push(next.results[0]!.trace);
    }
    return { statuses, traces, largest };
  }

  it('a typical session: launched, initialized, completed, passed, terminated', () => {
    const { statuses, traces } = session(['launched', 'initialized', 'completed', 'passed', 'terminated']);
    expect(statuses).toEqual(['in-progress', 'in-progress', 'in-progress', 'in-progress', 'matched']);
    expect(traces.map((trace) => trace.map((id) => id.split('#')[1]))).toEqual([['launched'], ['initialized'], ['completed'], ['passed'], ['terminated']]);
  });

  it('sessions repeat; a session without a result is fine; initialized before launched is not', () => {
    expect(session(['launched', 'initialized', 'terminated', 'launched', 'initialized', 'failed', 'abandoned']).statuses.at(-1)).toBe('matched');
    expect(session(['initialized', 'launched']).statuses).toEqual(['failed', 'failed']);
    expect(session(['launched', 'initialized', 'passed', 'failed']).statuses.at(-1)).toBe('failed');
  });

  it('keeps the persisted state of a registration under 1 KB', () => {
    const verbs: Cmi5Verb[] = [];
    for (let i = 0; i < 50; i += 1) verbs.push('launched', 'initialized', 'completed', 'passed', 'terminated');
    const { statuses, largest } = session(verbs);
    expect(statuses.at(-1)).toBe('matched');
    expect(largest).toBeLessThanOrEqual(1024);
  });
});

describe('registrations and subregistrations (Part Two §9.0)', () => {
  const profile = withPrimary({ oneOrMore: t('a') });
  const registration = 'ec231277-b27b-4c15-8291-d29225b2b8f7';
  const sub = 'C44A3A9F-2A4E-4E49-8C8B-5A1B7E2C9D01';
  const withContext = (context: object) => ({ actor: { mbox: 'mailto:a@example.org' }, verb: { id: ex('verbs/a') }, object: { id: ex('x') }, context });

  it('keys statements by registration, and by subregistration when it names a version of this profile', () => {
    expect(registrationKey(profile, withContext({}))).toBeUndefined();
    expect(registrationKey(profile, withContext({ registration }))).toBe(registration);
    const entries = [
      { profile: 'https://example.org/other/v1', subregistration: '11111111-2a4e-4e49-8c8b-5a1b7e2c9d01' },
      { profile: EXAMPLE_VERSION_ID, subregistration: sub },
    ];
    expect(registrationKey(profile, withContext({ registration, extensions: { [SUBREGISTRATION_EXTENSION]: entries } }))).toBe(`${registration} ${sub.toLowerCase()}`);
    expect(registrationKey(profile, withContext({ registration, extensions: { [SUBREGISTRATION_EXTENSION]: entries.slice(0, 1) } }))).toBe(registration);
  });
});

describe('the video profile (ADL, v1.0.2)', () => {
  const video = compiled(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'published', 'video', 'video.jsonld'), 'utf8')));
  const none = () => undefined;
  const v = (name: string) => `https://w3id.org/xapi/video/templates#${name}`;

  function watch(steps: Array<[VideoVerb, number]>) {
    let state = initialPatternStates(video);
    return steps.map(([verb, time]) => {
      const check = checkStatement(video, videoStatement(verb, time), none);
      const next = advancePatterns(video, state, check.matched);
      state = next.state;
      return { matched: check.matched, failures: check.failures, status: next.results[0]!.status };
    });
  }

  it('a viewing session matches its templates and the general pattern', () => {
    const steps = watch([['initialized', 0], ['played', 0], ['paused', 120], ['seeked', 300], ['played', 300], ['completed', 600], ['terminated', 600]]);
    expect(steps.map((step) => step.matched)).toEqual([[v('initialized')], [v('played')], [v('paused')], [v('seeked')], [v('played')], [v('completed')], [v('terminated')]]);
    expect(steps.map((step) => step.status)).toEqual(['in-progress', 'in-progress', 'in-progress', 'in-progress', 'in-progress', 'in-progress', 'matched']);
  });

  it('a played statement without the time breaks the played template; one after terminated fails the pattern', () => {
    const statement = videoStatement('played', 10);
    delete statement.result;
    expect(checkStatement(video, statement, none).failures).toEqual([
      { templateId: v('played'), location: "$.result.extensions['https://w3id.org/xapi/video/extensions/time']", expected: 'included', actual: undefined },
    ]);
    expect(watch([['initialized', 0], ['terminated', 0], ['played', 5]]).map((step) => step.status)).toEqual(['in-progress', 'matched', 'failed']);
  });

  it("the video profile's initialized template has only a verb, so a cmi5 initialized statement is a video subject too", () => {
    const check = checkStatement(video, cmi5Statement('initialized'), none);
    expect(check.subject).toBe(true);
    expect(check.failures).toEqual([
      { templateId: v('initialized'), location: "$.context.extensions['https://w3id.org/xapi/video/extensions/length']", expected: 'included', actual: undefined },
    ]);
  });
});
