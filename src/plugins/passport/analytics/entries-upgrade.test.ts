import learningStyleExample from '../../../profiles/keiko/passport/examples/learning-style-assessed.valid.json';
import { account, PassportTestLrs, SCHOOL } from '../../../../test-support/passport';
import type { Collection } from '../../../plugin-api';
import type { TimelineEntry } from '../timeline-entries';
import { PASSPORT_STORES } from '../timeline-index';
import { EntriesUpgrade } from './entries-upgrade';

/** Entries indexed before they kept timestamps and assessment scores, upgraded in place from their statements on the whole LRS. */
let passport: PassportTestLrs;
let entries: Collection<TimelineEntry>;
beforeAll(async () => {
  passport = await PassportTestLrs.start();
  entries = await passport.lrs.storage.collections.open<TimelineEntry>('passport', 'entries', PASSPORT_STORES.entries);
});
afterAll(() => passport.close());

/** What the index kept before: the entries without timestamp, learningStyle and assessmentType. */
async function downgrade(statementIds: string[]): Promise<void> {
  for (const { id, value } of await entries.find({ where: { statementId: { in: statementIds } } })) {
    const { timestamp: _t, learningStyle: _l, assessmentType: _a, ...old } = value;
    await entries.put(id, old);
  }
}

it('adds the timestamp and the assessment scores to old entries, leaves voided statements out, and stops when none is left', async () => {
  const ana = await passport.signedIn();
  const { id: _id, ...example } = structuredClone(learningStyleExample);
  const answered = (timestamp: string) => ({
    actor: ana.identity,
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
    object: { objectType: 'Activity', id: `${SCHOOL}/q/1` },
    result: { score: { scaled: 0.5 } },
    timestamp,
  });
  const ids = await passport.store([{ ...example, actor: { objectType: 'Group', member: [ana.identity, account()] } }, answered('2026-03-01T10:00:00+01:00'), answered('2026-03-02T10:00:00Z')]);
  const [assessment, first, voided] = ids as [string, string, string];
  await downgrade(ids);
  // One statement is voided just after the upgrade read it: its entries are deleted meanwhile, and the upgrade does not put them back.
  const voiding = { actor: ana.identity, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: voided } };
  const statements = {
    get: async (id: string) => {
      const record = await passport.lrs.storage.statements.getById(id);
      if (id === voided) await passport.store([voiding]);
      return record;
    },
  };
  const upgrade = new EntriesUpgrade(entries, statements);

  await upgrade.run();
  expect(upgrade.done).toBe(true);
  const upgraded = (await entries.find({ where: { statementId: { in: ids } } })).map(({ value }) => value);
  expect(upgraded.filter((entry) => entry.statementId === assessment)).toEqual([
    expect.objectContaining({ timestamp: '2026-01-20T09:30:00.000Z', learningStyle: { visual: 72, auditory: 35, kinesthetic: 58, reading: 64 }, assessmentType: 'initial' }),
    expect.objectContaining({ timestamp: '2026-01-20T09:30:00.000Z', assessmentType: 'initial' }),
  ]);
  expect(upgraded.find((entry) => entry.statementId === first)?.timestamp).toBe('2026-03-01T09:00:00.000Z');
  expect(upgraded.some((entry) => entry.statementId === voided)).toBe(false);

  const analytics = (await ana.browser.get('/plugins/passport/api/analytics').set('Accept', 'application/json').expect(200)).body;
  expect(analytics.learningStyle).toMatchObject({ assessedAt: '2026-01-20T09:30:00.000Z', assessmentType: 'initial' });
  expect(analytics.scores).toEqual([{ date: '2026-03-01', mean: 0.5, count: 1 }]);
});
