import { ownFilterView, mergeViews } from './filter-view';
import { statementFingerprint } from './fingerprint';
import { parseAcceptLanguage, pickLanguage, renderStatement } from './format';
import { encodeCursor, parseGetStatementsRequest } from './get-request';
import type { Statement, StoredStatement } from '../types';

const base: Statement = {
  actor: { mbox: 'mailto:Ana@Example.ORG', name: 'Ana' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
  object: { id: 'http://example.org/a', definition: { name: { 'en-US': 'A', fr: 'Un' } } },
};

describe('filter views (Communication 2.1.3 agent/activity/related_* semantics)', () => {
  it('agent covers actor and Agent/Group objects with members; related adds context and SubStatement', () => {
    const view = ownFilterView({
      actor: { objectType: 'Group', member: [{ mbox: 'mailto:m@x.org' }], account: { homePage: 'http://h', name: 'g' } },
      verb: { id: 'http://v' },
      object: {
        objectType: 'SubStatement',
        actor: { mbox: 'mailto:inner@x.org' },
        verb: { id: 'http://v2' },
        object: { id: 'http://inner-activity' },
      },
      context: { instructor: { openid: 'http://openid.example/i' }, contextActivities: { parent: [{ id: 'http://p' }] } },
      authority: { mbox: 'mailto:auth@x.org' },
    });
    expect(view.a).toEqual(['account:http://h|g', 'mbox:mailto:m@x.org']);
    expect(view.r).toEqual(
      expect.arrayContaining(['mbox:mailto:auth@x.org', 'openid:http://openid.example/i', 'mbox:mailto:inner@x.org']),
    );
    expect(view.ac).toEqual([]);
    expect(view.ra).toEqual(['http://p', 'http://inner-activity']);
    expect(view.vb).toEqual(['http://v']);
  });

  it('lower-cases only the domain of an mbox (Data 2.3.1.b7)', () => {
    expect(ownFilterView(base).a).toEqual(['mbox:mailto:Ana@example.org']);
  });

  it('merging a target view unions every field without duplicates', () => {
    const own = ownFilterView(base);
    const merged = mergeViews(own, { ...own, vb: ['http://other'], rg: ['r'] });
    expect(merged.vb).toEqual(['http://adlnet.gov/expapi/verbs/experienced', 'http://other']);
    expect(merged.a).toEqual(own.a);
    expect(merged.rg).toEqual(['r']);
  });
});

describe('statement comparison (Data 2.3.1.s9)', () => {
  it('ignores LRS-assigned properties, Activity definitions, Verb display and member order', () => {
    const variant = {
      ...base,
      id: '9e2d6cbc-5f29-4a36-a1b5-4e5c1c1f1f1f',
      stored: '2020-01-01T00:00:00Z',
      authority: { mbox: 'mailto:x@y.org' },
      version: '1.0.3',
      verb: { id: base.verb.id },
      object: { id: 'http://example.org/a' },
    };
    expect(statementFingerprint(variant)).toBe(statementFingerprint(base));
    const g1 = { ...base, actor: { objectType: 'Group' as const, member: [{ mbox: 'mailto:a@x' }, { mbox: 'mailto:b@x' }] } };
    const g2 = { ...base, actor: { objectType: 'Group' as const, member: [{ mbox: 'mailto:b@x' }, { mbox: 'mailto:a@x' }] } };
    expect(statementFingerprint(g1)).toBe(statementFingerprint(g2));
  });

  it('compares timestamps as instants but counts any other difference', () => {
    const t1 = { ...base, timestamp: '2024-01-01T10:00:00.000Z' };
    expect(statementFingerprint({ ...base, timestamp: '2024-01-01T12:00:00.000+02:00' })).toBe(statementFingerprint(t1));
    expect(statementFingerprint({ ...base, result: { success: true } })).not.toBe(statementFingerprint(base));
    expect(statementFingerprint({ ...base, actor: { mbox: 'mailto:other@example.org' } })).not.toBe(statementFingerprint(base));
  });
});

describe('formats (Communication 2.1.3 format, 2.1.3.s4)', () => {
  const stored = { ...base, id: 'x', stored: 's', timestamp: 't', version: '1.0.0', authority: { mbox: 'mailto:l@x', name: 'LRS' } } as StoredStatement;

  it('ids keeps identifiers only, for anonymous Group members too', () => {
    const group = { ...stored, actor: { objectType: 'Group' as const, name: 'G', member: [{ mbox: 'mailto:m@x', name: 'M' }] } };
    const rendered = renderStatement(group, 'ids');
    expect(rendered.actor).toEqual({ objectType: 'Group', member: [{ mbox: 'mailto:m@x' }] });
    expect(rendered.authority).toEqual({ mbox: 'mailto:l@x' });
  });

  it('canonical keeps one language per map, by Accept-Language with q-values', () => {
    const rendered = renderStatement(stored, 'canonical', parseAcceptLanguage('de, fr;q=0.8, en;q=0.5'));
    expect((rendered.object as { definition: { name: object } }).definition.name).toEqual({ fr: 'Un' });
  });

  it('language choice falls back to a prefix match, then to the first entry', () => {
    expect(pickLanguage({ 'en-US': 'a', 'en-GB': 'b' }, parseAcceptLanguage('en-GB'))).toEqual({ 'en-GB': 'b' });
    expect(pickLanguage({ 'en-US': 'a', es: 'b' }, parseAcceptLanguage('en'))).toEqual({ 'en-US': 'a' });
    expect(pickLanguage({ de: 'a', es: 'b' }, parseAcceptLanguage('ja'))).toEqual({ de: 'a' });
  });
});

describe('GET parameters and more cursors', () => {
  const checkers = () => undefined;

  it('clamps limit 0 and limits above the page size to the page size', () => {
    const zero = parseGetStatementsRequest({ limit: '0' }, checkers, 50);
    const huge = parseGetStatementsRequest({ limit: '100000' }, checkers, 50);
    expect(zero.kind === 'list' && zero.filter.limit).toBe(50);
    expect(huge.kind === 'list' && huge.filter.limit).toBe(50);
  });

  it('reads a timestamp without offset as UTC (Data 4.5)', () => {
    const request = parseGetStatementsRequest({ since: '2024-01-01T00:00:00' }, checkers, 50);
    expect(request.kind === 'list' && request.filter.since?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('a cursor carries the filter, position, format and attachments through', () => {
    const first = parseGetStatementsRequest({ verb: 'http://v', ascending: 'true', format: 'ids', since: '2024-01-01T00:00:00Z' }, checkers, 10);
    if (first.kind !== 'list') throw new Error('expected a list request');
    const cursor = encodeCursor(first.filter, { stored: new Date(5), id: 'abc' }, 'ids', true);
    const next = parseGetStatementsRequest({ more: cursor }, checkers, 10);
    expect(next).toEqual({ kind: 'list', filter: first.filter, after: { stored: new Date(5), id: 'abc' }, format: 'ids', attachments: true });
  });

  it('rejects a cursor combined with other parameters', () => {
    expect(() => parseGetStatementsRequest({ more: 'x', limit: '1' }, checkers, 10)).toThrow(/more/);
  });
});
