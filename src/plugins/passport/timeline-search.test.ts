import { activity, ids, items, PassportTestLrs, statement } from '../../../test-support/passport';
import { PASSPORT_STORES, type WordPosting } from './timeline-index';

/**
 * The text search (`q`) over HTTP on the whole LRS: word postings kept by the event delivery,
 * forgotten with a voided statement, and made again by a rebuild (`keiko plugins rebuild passport`).
 */
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

let passport: PassportTestLrs;

beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

const words = () => passport.lrs.storage.collections.open<WordPosting>('passport', 'words', PASSPORT_STORES.words);

it('finds text where it starts a word, and no longer finds a voided statement', async () => {
  const { browser, identity } = await passport.signedIn();
  const [algebra, geometry] = await passport.store([statement(identity, { object: activity('Linear Algebra') }), statement(identity, { object: activity('Geometry', undefined, 'Grade-2 shapes') })]);
  expect(ids(await items(browser, '?q=LINEAR%20ALG'))).toEqual([algebra]);
  expect(ids(await items(browser, '?q=gebra'))).toEqual([]);
  expect(ids(await items(browser, '?q=shapes'))).toEqual([geometry]);
  expect(ids(await items(browser, '?q=-2'))).toEqual([geometry]);
  await passport.store([statement(identity, { verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: algebra } })]);
  expect(ids(await items(browser, '?q=algebra'))).toEqual([]);
  expect(await (await words()).count({ statementId: algebra! })).toBe(0);
});

it('is made again by a rebuild, which empties the postings first', async () => {
  const { browser, identity } = await passport.signedIn();
  const [poetry] = await passport.store([statement(identity, { object: activity('Poetry workshop') })]);
  const postings = await words();
  await postings.deleteMany({ statementId: poetry! });
  await postings.put('stale', { ...(await postings.find({ limit: 1 }))[0]!.value, statementId: 'not-a-statement' });
  expect(ids(await items(browser, '?q=poetry'))).toEqual([]);
  const { events } = passport.lrs.services;
  await events.stop();
  try {
    await events.rebuild('passport');
  } finally {
    events.start();
  }
  expect(ids(await items(browser, '?q=poetry'))).toEqual([poetry]);
  expect(await postings.get('stale')).toBeUndefined();
});
