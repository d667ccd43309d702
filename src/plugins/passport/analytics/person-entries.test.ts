import { randomUUID } from 'node:crypto';
import { TEST_ENGINES, openTestBackend, type TestBackend } from '../../../../test-support/backends';
import type { Collection } from '../../../plugin-api';
import type { TimelineEntry } from '../timeline-entries';
import { PASSPORT_STORES } from '../timeline-index';
import { personEntries } from './person-entries';

/** Reading all of a person's entries a chunk (1000) at a time, on each storage engine. */
jest.setTimeout(120_000);

const [ANA, ANA_MAIL, BEN] = ['ana', 'ana-mail', 'ben'];

/** The entries of one statement about these IFIs, stored the `n`th second of the day. */
function entriesOf(n: number, ifis: string[]): Array<[string, TimelineEntry]> {
  const statementId = randomUUID();
  const stored = new Date(Date.UTC(2026, 2, 1) + n * 1000).toISOString();
  return ifis.map((ifi) => [
    `${statementId}:${ifi}`,
    {
      ifi,
      statementId,
      stored,
      position: `${stored}|${statementId}`,
      role: 'actor',
      kind: 'interaction',
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { objectType: 'Activity', id: `https://school.example/q/${n}` },
      text: '',
      institution: 'school',
      parents: [],
      groupings: [],
    },
  ]);
}

describe.each(TEST_ENGINES)('personEntries on %s', (engine) => {
  let test: TestBackend;
  let entries: Collection<TimelineEntry>;

  beforeAll(async () => {
    test = await openTestBackend(engine);
    entries = await test.backend.collections.open<TimelineEntry>('passport', 'entries', PASSPORT_STORES.entries);
    // Newest first: one statement about Ana's account alone, then 700 about both her IFIs, so a
    // chunk of 1000 ends between the two entries of a statement; Ben's in between.
    const stored = [...entriesOf(2000, [ANA]), ...Array.from({ length: 700 }, (_, n) => entriesOf(1000 + n, n % 100 === 0 ? [ANA, ANA_MAIL, BEN] : [ANA, ANA_MAIL])).flat()];
    for (const [id, entry] of stored) await entries.put(id, entry);
  });
  afterAll(() => test.dispose());

  it('reads every entry of her IFIs once, newest first, across chunks that end inside a statement', async () => {
    const { entries: read, truncated } = await personEntries(entries, [ANA, ANA_MAIL], 10_000);
    expect(truncated).toBe(false);
    expect(read).toHaveLength(1401);
    expect(new Set(read.map((entry) => `${entry.statementId}:${entry.ifi}`)).size).toBe(1401);
    expect(read.every((entry, index) => index === 0 || entry.position <= read[index - 1]!.position)).toBe(true);
    expect(read.some((entry) => entry.ifi === BEN)).toBe(false);
  });

  it('stops at the most it may read, and says so', async () => {
    expect(await personEntries(entries, [ANA, ANA_MAIL], 1401)).toMatchObject({ truncated: false });
    const { entries: read, truncated } = await personEntries(entries, [ANA, ANA_MAIL], 1000);
    expect(truncated).toBe(true);
    expect(read).toHaveLength(1000);
    expect((await personEntries(entries, [BEN], 10)).entries).toHaveLength(7);
    expect(await personEntries(entries, [], 10)).toEqual({ entries: [], truncated: false });
  });
});
