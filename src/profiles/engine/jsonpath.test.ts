import { JsonPathError, evaluateJsonPath, parseJsonPath } from './jsonpath';

const statement = {
  id: 'c1',
  actor: { mbox: 'mailto:a@example.org' },
  result: { extensions: { 'http://example.org/place': 2 }, score: { scaled: 0.5 } },
  context: {
    contextActivities: {
      grouping: [
        { id: 'http://example.org/g1', definition: { type: 'http://example.org/t1' } },
        { id: 'http://example.org/g2' },
      ],
    },
    extensions: { "it's": true },
  },
};

const values = (path: string, root: unknown = statement) => evaluateJsonPath(parseJsonPath(path), root);

describe('restricted JSONPath (Part Two §8.1)', () => {
  it('follows child names in dot and bracket notation, with or without the leading $', () => {
    expect(values('$.actor.mbox')).toEqual(['mailto:a@example.org']);
    expect(values('actor.mbox')).toEqual(['mailto:a@example.org']);
    expect(values("$['actor']['mbox']")).toEqual(['mailto:a@example.org']);
    expect(values("$.result.extensions['http://example.org/place']")).toEqual([2]);
    expect(values('$.context.extensions["it\'s"]')).toEqual([true]);
    expect(values("$.context.extensions['it\\'s']")).toEqual([true]);
  });

  it('returns an array value as one value, and nothing for missing members', () => {
    expect(values('$.context.contextActivities.grouping')).toEqual([statement.context.contextActivities.grouping]);
    expect(values('$.result.success')).toEqual([]);
    expect(values('$.actor.mbox.length')).toEqual([]);
  });

  it('selects every member with * (bracket or dot) and array members by index', () => {
    expect(values('$.context.contextActivities.grouping[*].id')).toEqual(['http://example.org/g1', 'http://example.org/g2']);
    expect(values('$.context.contextActivities.grouping.*.id')).toEqual(['http://example.org/g1', 'http://example.org/g2']);
    expect(values('$.context.contextActivities.grouping[1].id')).toEqual(['http://example.org/g2']);
    expect(values('$.context.contextActivities.grouping[5].id')).toEqual([]);
    expect(values('$.result.score[*]')).toEqual([0.5]);
    expect(values('$.context.contextActivities.grouping[*].definition.type')).toEqual(['http://example.org/t1']);
  });

  it('unions inside brackets give each expression\'s values', () => {
    expect(values("$['id','actor'].mbox")).toEqual(['mailto:a@example.org']);
    expect(values('$.context.contextActivities.grouping[1,0].id')).toEqual(['http://example.org/g2', 'http://example.org/g1']);
  });

  it('joins whole paths with | (optional spaces), flattening their values', () => {
    expect(values('$.id | $.context.contextActivities.grouping[*].id')).toEqual(['c1', 'http://example.org/g1', 'http://example.org/g2']);
    expect(values('$.id|$.result.success')).toEqual(['c1']);
  });

  it('rejects what the specification leaves out, saying what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['$.a[?(@.b)]', /filter and script/],
      ['$.a[(@.length-1)]', /filter and script/],
      ['$..id', /recursive descent/],
      ['$.a[0:2]', /slices/],
      ['$.a[-1]', /negative/],
      ["$.a['b", /unterminated/],
      ['$.a[0', /"\]" or ","/],
      ['$.a |', /starts with/],
      ['', /starts with/],
      ['$.a b', /unexpected "b"/],
      ['$.', /after "\."/],
    ];
    for (const [path, message] of cases) {
      expect(() => parseJsonPath(path)).toThrow(JsonPathError);
      expect(() => parseJsonPath(path)).toThrow(message);
    }
  });

  it('evaluates wide documents breadth-first (no recursion on the data)', () => {
    const wide = { list: Array.from({ length: 50_000 }, (_, i) => ({ id: i })) };
    expect(values('$.list[*].id', wide)).toHaveLength(50_000);
  });
});
