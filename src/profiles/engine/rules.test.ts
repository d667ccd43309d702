/**
 * The rule semantics of Part Two §8.1 and Part Three §2.1 (`follows_rule`), one row per case.
 */
import { parseJsonPath } from './jsonpath';
import { Presence, RuleMatcher, ruleFailure } from './templates';
import { JsonValueSet } from './values';

interface RuleSpec {
  location: string;
  selector?: string;
  presence?: Presence;
  any?: unknown[];
  all?: unknown[];
  none?: unknown[];
}

function rule(spec: RuleSpec): RuleMatcher {
  const matcher: RuleMatcher = { where: spec.location, location: parseJsonPath(spec.location) };
  if (spec.selector) matcher.selector = parseJsonPath(spec.selector);
  if (spec.presence) matcher.presence = spec.presence;
  if (spec.any) matcher.any = new JsonValueSet(spec.any);
  if (spec.all) matcher.all = new JsonValueSet(spec.all);
  if (spec.none) matcher.none = new JsonValueSet(spec.none);
  return matcher;
}

const withGrouping = (...activities: object[]) => ({ context: { contextActivities: { grouping: activities } } });
const grouping = '$.context.contextActivities.grouping[*]';
const a = { id: 'http://example.org/a', definition: { type: 'http://example.org/t' } };
const b = { id: 'http://example.org/b' };

const table: Array<[string, RuleSpec, object, boolean]> = [
  // presence
  ['included: a value is there', { location: '$.result.success', presence: 'included' }, { result: { success: false } }, true],
  ['included: nothing there', { location: '$.result.success', presence: 'included' }, {}, false],
  ['included: every located value has a selected value', { location: grouping, selector: 'id', presence: 'included' }, withGrouping(a, b), true],
  ['included: an unmatchable value (nothing at the selector) fails', { location: grouping, selector: 'definition.type', presence: 'included' }, withGrouping(a, b), false],
  ['excluded: nothing there', { location: '$.result.score', presence: 'excluded' }, {}, true],
  ['excluded: a value there', { location: '$.result.score', presence: 'excluded' }, { result: { score: { raw: 1 } } }, false],
  ['excluded: only unmatchable values pass', { location: grouping, selector: 'definition.type', presence: 'excluded' }, withGrouping(b), true],
  ['recommended alone: nothing there passes', { location: '$.result.score', presence: 'recommended' }, {}, true],
  // any
  ['any: one value intersects', { location: grouping, selector: 'id', any: ['http://example.org/b', 'x'] }, withGrouping(a, b), true],
  ['any: no value intersects', { location: grouping, selector: 'id', any: ['x'] }, withGrouping(a, b), false],
  ['any without presence: nothing there fails (strict)', { location: '$.result.success', any: [true] }, {}, false],
  ['any with recommended: nothing there passes', { location: '$.result.success', presence: 'recommended', any: [true] }, {}, true],
  ['any with recommended: a value there must intersect', { location: '$.result.success', presence: 'recommended', any: [true] }, { result: { success: false } }, false],
  ['any: compares by type (true is not "true")', { location: '$.result.success', any: ['true'] }, { result: { success: true } }, false],
  ['any: objects compare by value, member order aside', { location: '$.result.score', any: [{ raw: 1, max: 2 }] }, { result: { score: { max: 2, raw: 1 } } }, true],
  // all
  ['all: every value is allowed', { location: grouping, selector: 'id', all: ['http://example.org/a', 'http://example.org/b'] }, withGrouping(a, b), true],
  ['all: one value is not', { location: grouping, selector: 'id', all: ['http://example.org/a'] }, withGrouping(a, b), false],
  ['all: an unmatchable value fails', { location: grouping, selector: 'definition.type', all: ['http://example.org/t'] }, withGrouping(a, b), false],
  ['all with no value at all passes (no value is outside the list)', { location: '$.result.success', all: [true] }, {}, true],
  ['all with recommended: nothing there passes', { location: '$.result.success', presence: 'recommended', all: [true] }, {}, true],
  ['all with included: nothing there fails on presence', { location: '$.result.success', presence: 'included', all: [true] }, {}, false],
  // none
  ['none: no value is listed', { location: grouping, selector: 'id', none: ['x'] }, withGrouping(a, b), true],
  ['none: a listed value fails', { location: grouping, selector: 'id', none: ['http://example.org/a'] }, withGrouping(a, b), false],
  ['none: nothing there passes', { location: '$.result.success', none: [true] }, {}, true],
  ['none: unmatchable values are never listed', { location: grouping, selector: 'definition.type', none: ['http://example.org/x'] }, withGrouping(b), true],
  // combinations
  ['excluded with any: nothing there still fails any (strict)', { location: '$.result.success', presence: 'excluded', any: [true] }, {}, false],
  ['the | alternative gathers values from both paths', { location: '$.result.success | $.result.completion', all: [true] }, { result: { success: true, completion: false } }, false],
];

describe('Statement Template rules (Part Two §8.1, Part Three §2.1 follows_rule)', () => {
  it.each(table)('%s', (_name, spec, statement, follows) => {
    expect(ruleFailure(rule(spec), statement) === undefined).toBe(follows);
  });

  it('reports the location, what was expected and the values found', () => {
    expect(ruleFailure(rule({ location: '$.result.success', presence: 'included', all: [true] }), { result: { success: false } })).toEqual({
      location: '$.result.success',
      expected: 'only values from [true]',
      actual: [false],
    });
    expect(ruleFailure(rule({ location: '$.result.duration', presence: 'included' }), {})).toEqual({
      location: '$.result.duration',
      expected: 'included',
      actual: undefined,
    });
    expect(ruleFailure(rule({ location: '$.verb.id', none: ['http://example.org/v'] }), { verb: { id: 'http://example.org/v' } })).toMatchObject({
      expected: 'none of ["http://example.org/v"]',
    });
  });
});
