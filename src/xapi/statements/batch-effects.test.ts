import { planBatchEffects, type EffectReads } from './batch-effects';
import type { FilterView } from './filter-view';
import type { ExistingStatement } from './statement-storage';

/** The effects of a batch, as a pure function (Data 2.3.2 voiding, Communication 2.1.3.s3 StatementRef). */
const view = (verb: string): FilterView => ({ a: [], r: [], vb: [verb], ac: [], ra: [], rg: [] });
const statement = (id: string, verb: string, targetId?: string, voids = false) => ({
  id,
  views: view(verb),
  ...(targetId ? { targetId, ...(voids ? { voidsId: targetId } : {}) } : {}),
});

function readsOf(stored: ExistingStatement[]): EffectReads {
  const byId = new Map(stored.map((s) => [s.id, s]));
  return {
    existing: (ids) => new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!]] : []))),
    referrersOf: (id) => stored.filter((s) => s.targetId === id),
  };
}
const existing = (id: string, verb: string, targetId?: string, voids = false): ExistingStatement => ({
  ...statement(id, verb, targetId, voids),
  fingerprint: id,
});

describe('planBatchEffects', () => {
  it('voids a stored target, and remembers a target not stored yet', () => {
    const effects = planBatchEffects([statement('v1', 'voided', 't1', true), statement('v2', 'voided', 'later', true)], readsOf([existing('t1', 'x')]));
    expect(effects.voidStored).toEqual(['t1']);
    expect(effects.unresolved).toEqual([{ targetId: 'later', referrerId: 'v2' }]);
  });

  it('voids an arriving statement whose voiding statement was stored first, and never a voiding statement', () => {
    const reads = readsOf([existing('v1', 'voided', 't1', true), existing('v2', 'voided', 'v3', true)]);
    const effects = planBatchEffects([statement('t1', 'x'), statement('v3', 'voided', 'gone', true)], reads);
    expect([...effects.voidedOnArrival]).toEqual(['t1']);
    expect(effects.resolved.sort()).toEqual(['t1', 'v3']);
  });

  it('grows views along a chain of references in the batch and beyond it', () => {
    const reads = readsOf([existing('s2', 'b', 'a1'), existing('s3', 'c', 's2')]);
    const effects = planBatchEffects([statement('a1', 'a'), statement('b1', 'bb', 'c1'), statement('c1', 'cc', 'a1')], reads);
    expect(effects.grownViews.get('s2')!.vb.sort()).toEqual(['a', 'b']);
    expect(effects.grownViews.get('s3')!.vb.sort()).toEqual(['a', 'b', 'c']);
    expect(effects.views.get('b1')!.vb.sort()).toEqual(['a', 'bb', 'cc']);
  });

  it('ends on a reference cycle', () => {
    const reads = readsOf([existing('x', 'vx', 'y')]);
    const effects = planBatchEffects([statement('y', 'vy', 'x')], reads);
    expect(effects.views.get('y')!.vb.sort()).toEqual(['vx', 'vy']);
    expect(effects.grownViews.get('x')!.vb.sort()).toEqual(['vx', 'vy']);
  });

  it('walks a chain of 20,000 references without recursion', () => {
    const stored = Array.from({ length: 20_000 }, (_, i) => existing(`s${i}`, `v${i % 3}`, i === 0 ? 'head' : `s${i - 1}`));
    const byTarget = new Map(stored.map((s) => [s.targetId!, [s]]));
    const effects = planBatchEffects([statement('head', 'new')], {
      existing: () => new Map(),
      referrersOf: (id) => byTarget.get(id) ?? [],
    });
    expect(effects.grownViews.get('s19999')!.vb).toContain('new');
  });
});
