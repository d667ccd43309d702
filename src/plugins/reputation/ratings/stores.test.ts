import { openTestBackend, type TestBackend } from '../../../../test-support/backends';
import type { Collection } from '../../../plugin-api';
import { LEDGER_STORES, ratingsStoredBetween, type StoredRating } from './stores';

let backend: TestBackend;
let ratings: Collection<StoredRating>;

beforeAll(async () => {
  backend = await openTestBackend();
  ratings = await backend.backend.collections.open('reputation', 'ratings', LEDGER_STORES.ratings);
});
afterAll(() => backend.dispose());

const rating = (statementId: string, storedSec: number, ratee = 'mbox:mailto:bea@example.org') =>
  ({ statementId, ratee, rater: 'mbox:mailto:ana@example.org', session: 's', caseId: 'c', score: 3, raterRole: 'peer', rateeRole: 'peer', storedSec, state: 'counted', penaltyPercent: 100 }) as StoredRating;

describe('ratings read in stored order', () => {
  it('gives each rating of the range once, in stored order (ties by id), through pages and through 1,200 ratings in one second', async () => {
    const seconds = [...Array.from({ length: 2100 }, (_, index) => 1000 + Math.floor(index / 2)), ...Array.from({ length: 1200 }, () => 5000), ...Array.from({ length: 900 }, (_, index) => 6000 + (index % 300))];
    const stored = seconds.map((storedSec, index) => rating(`id-${String(index).padStart(5, '0')}`, storedSec));
    for (const each of stored) await ratings.put(each.statementId, each);
    await ratings.put('other', rating('other', 5000, 'mbox:mailto:cruz@example.org'));
    const read = await ratingsStoredBetween(ratings, { ratee: 'mbox:mailto:bea@example.org', state: 'counted' }, 1000, 6299);
    const expected = stored.filter(({ storedSec }) => storedSec < 6299).sort((one, other) => one.storedSec - other.storedSec || (one.statementId < other.statementId ? -1 : 1));
    expect(read.map(({ statementId }) => statementId)).toEqual(expected.map(({ statementId }) => statementId));
  }, 60_000);
});
