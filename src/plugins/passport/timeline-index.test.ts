import { randomUUID } from 'node:crypto';
import { TEST_ENGINES, openTestBackend, type TestBackend } from '../../../test-support/backends';
import type { FeedEvent, StoredStatement } from '../../plugin-api';
import { ifiDigest, type Ifi } from './timeline-entries';
import { PASSPORT_STORES, TimelineIndex } from './timeline-index';

type LanguageMap = Record<string, string>;

/** The timeline index on each storage engine: what its pages read from the declared indexes. */
jest.setTimeout(60_000);

const SCHOOL_AUTHORITY = { objectType: 'Agent' as const, name: 'School', account: { homePage: 'http://lrs.test/', name: 'school-key' } };
const COLLEGE_AUTHORITY = { objectType: 'Agent' as const, name: 'College', account: { homePage: 'http://lrs.test/', name: 'college-key' } };

let position = 0;

function stored(actor: Ifi, at: string, overrides: Partial<StoredStatement> = {}): FeedEvent {
  const id = randomUUID();
  const statement = {
    id,
    actor,
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
    object: { objectType: 'Activity', id: `https://school.example/activities/${id}`, definition: { name: { 'en-US': `Activity ${at}` } } },
    stored: at,
    timestamp: at,
    authority: SCHOOL_AUTHORITY,
    version: '1.0.3',
    ...overrides,
  } as StoredStatement;
  position += 1;
  return { type: 'stored', position, statement: { id, statement, stored: new Date(at), voided: false, credentialKey: 'school-key', position } };
}

const idOf = (event: FeedEvent) => (event.type === 'stored' ? event.statement.id : event.statementId);
const digests = (...ifis: Ifi[]) => ifis.map((ifi) => ifiDigest(ifi)!);

describe.each(TEST_ENGINES)('the timeline index on %s', (engine) => {
  let test: TestBackend;
  let timeline: TimelineIndex;

  /** The index on the test's collections, reading `readChunk` postings or entries at a time while searching text. */
  async function openIndex(readChunk?: number): Promise<TimelineIndex> {
    const { collections } = test.backend;
    return new TimelineIndex(await collections.open('passport', 'entries', PASSPORT_STORES.entries), await collections.open('passport', 'words', PASSPORT_STORES.words), readChunk);
  }

  beforeEach(async () => {
    test = await openTestBackend(engine);
    timeline = await openIndex();
  });
  afterEach(async () => {
    await test.dispose();
  });

  async function walk(ifis: string[], limit: number, filter = {}): Promise<string[][]> {
    const pages: string[][] = [];
    let after: string | undefined;
    do {
      const page = await timeline.page(ifis, filter, after, limit);
      pages.push(page.entries.map((entry) => entry.statementId));
      after = page.next;
    } while (after !== undefined);
    return pages;
  }

  it('pages the statements about any of the IFIs newest first, each once, ties in stored time broken by id, redeliveries changing nothing', async () => {
    const ana = { account: { homePage: 'https://school.example', name: 'ana' } };
    const anaMail = { mbox: 'mailto:ana@school.example' };
    const other = { mbox: 'mailto:ben@school.example' };
    const events = [
      stored(ana, '2026-03-01T10:00:00.000Z'),
      stored(ana, '2026-03-01T10:00:01.000Z', { context: { instructor: anaMail } }),
      stored(anaMail, '2026-03-01T10:00:02.000Z'),
      stored(anaMail, '2026-03-01T10:00:02.000Z', { object: { objectType: 'Group', member: [ana, other] } }),
      stored(other, '2026-03-01T10:00:03.000Z'),
      stored({ objectType: 'Group', member: [other, anaMail] } as Ifi, '2026-03-01T10:00:04.000Z'),
    ];
    await timeline.apply(events);
    await timeline.apply(events.slice(2));
    const anas = [events[5]!, ...[events[2]!, events[3]!].sort((a, b) => (idOf(a) < idOf(b) ? 1 : -1)), events[1]!, events[0]!].map(idOf);
    expect(await walk(digests(ana, anaMail), 2)).toEqual([anas.slice(0, 2), anas.slice(2, 4), anas.slice(4)]);
    expect(await walk(digests(ana, anaMail), 5)).toEqual([anas]);
    expect(await walk(digests(ana, anaMail), 1)).toEqual(anas.map((id) => [id]));
    expect(await walk(digests(other), 10)).toEqual([[events[5], events[4], events[3]].map((event) => idOf(event!))]);
    expect(await walk([], 10)).toEqual([[]]);
  });

  it('forgets a voided statement, for every IFI it was about', async () => {
    const ana = { mbox: 'mailto:ana@school.example' };
    const tutor = { mbox: 'mailto:tutor@school.example' };
    const [kept, voided] = [stored(ana, '2026-03-01T10:00:00.000Z'), stored(ana, '2026-03-01T10:00:01.000Z', { context: { instructor: tutor } })];
    await timeline.apply([kept!, voided!]);
    const words = await test.backend.collections.open('passport', 'words', PASSPORT_STORES.words);
    expect(await words.count({ statementId: idOf(voided!) })).toBeGreaterThan(0);
    await timeline.apply([{ type: 'voided', position: 99, statementId: idOf(voided!), voidedBy: randomUUID() }]);
    expect(await walk(digests(ana), 10)).toEqual([[idOf(kept!)]]);
    expect(await walk(digests(ana), 10, { q: 'activity' })).toEqual([[idOf(kept!)]]);
    expect(await walk(digests(tutor), 10)).toEqual([[]]);
    expect(await words.count({ statementId: idOf(voided!) })).toBe(0);
  });

  it('filters by kind and institution through their indexes, and by text while paging', async () => {
    const ana = { mbox: 'mailto:ana@school.example' };
    const course = (at: string, authority = SCHOOL_AUTHORITY) =>
      stored(ana, at, { authority, object: { objectType: 'Activity', id: `https://school.example/${at}`, definition: { name: { 'en-US': `Course ${at}` }, type: 'http://adlnet.gov/expapi/activities/course' } } });
    const events = [course('2026-03-01T10:00:00.000Z'), stored(ana, '2026-03-01T10:00:01.000Z'), course('2026-03-01T10:00:02.000Z', COLLEGE_AUTHORITY), stored(ana, '2026-03-01T10:00:03.000Z')];
    await timeline.apply(events);
    const [first, second, third, fourth] = events.map(idOf);
    expect(await walk(digests(ana), 1, { kind: 'course' })).toEqual([[third], [first]]);
    expect(await walk(digests(ana), 10, { institution: 'account:http://lrs.test/|college-key' })).toEqual([[third]]);
    expect(await walk(digests(ana), 10, { kind: 'interaction', institution: 'account:http://lrs.test/|school-key' })).toEqual([[fourth, second]]);
    expect(await walk(digests(ana), 1, { q: 'activity' })).toEqual([[fourth], [second]]);
  });

  it('finds text at the start of a word of activity names and descriptions, in any language, phrases too', async () => {
    const ana = { mbox: 'mailto:ana@school.example' };
    const named = (at: string, name: LanguageMap, description?: LanguageMap) =>
      stored(ana, at, { object: { objectType: 'Activity', id: `https://school.example/${at}`, definition: { name, ...(description && { description }) } } });
    const events = [
      named('2026-03-01T10:00:00.000Z', { 'en-US': 'Linear Algebra' }, { 'es-ES': 'Álgebra lineal, grado 1' }),
      named('2026-03-01T10:00:01.000Z', { 'en-US': 'Geometry: grade-2' }),
      named('2026-03-01T10:00:02.000Z', { 'en-US': 'Biology (draft)' }),
    ];
    await timeline.apply(events);
    const [algebra, geometry, biology] = events.map(idOf);
    const search = async (q: string) => (await timeline.page(digests(ana), { q }, undefined, 10)).entries.map((entry) => entry.statementId);
    expect(await search('alg')).toEqual([algebra]);
    expect(await search('linear alg')).toEqual([algebra]);
    expect(await search('álgebra lineal, g')).toEqual([algebra]);
    expect(await search('g')).toEqual([geometry, algebra]);
    expect(await search('gr')).toEqual([geometry, algebra]);
    expect(await search('grade-2')).toEqual([geometry]);
    expect(await search('-2')).toEqual([geometry]);
    expect(await search('(draft)')).toEqual([biology]);
    expect(await search(')')).toEqual([biology]);
    for (const inside of ['gebra', 'near alg', 'ear algebra', 'algebras', 'rade', 'raft', '?']) expect(await search(inside)).toEqual([]);
  });

  it('reads on while searching text until the page is full, however few postings or entries it reads at a time', async () => {
    const ana = { mbox: 'mailto:ana@school.example' };
    const events = ['00', '01', '02', '03', '04', '05', '06'].map((second) => stored(ana, `2026-03-01T10:00:${second}.000Z`));
    await timeline.apply(events);
    timeline = await openIndex(2);
    expect(await walk(digests(ana), 2, { q: ':01.' })).toEqual([[idOf(events[1]!)]]);
    const newestFirst = events.map(idOf).reverse();
    const inPairs = [newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4, 6), newestFirst.slice(6)];
    expect(await walk(digests(ana), 2, { q: 'activity 2026' })).toEqual(inPairs);
    expect(await walk(digests(ana), 2, { q: '.000z' })).toEqual(inPairs);
  });

  it('finds a statement whose words sharing a prefix are read in different chunks, about two IFIs, each once', async () => {
    const ana = { mbox: 'mailto:ana@school.example' };
    const anaAccount = { account: { homePage: 'https://school.example', name: 'ana' } };
    const named = (at: string, name: string) =>
      stored(ana, at, { context: { instructor: anaAccount }, object: { objectType: 'Activity', id: `https://school.example/${at}`, definition: { name: { en: name } } } });
    const events = [
      named('2026-03-01T10:00:00.000Z', 'Algebra, algorithms, alg'),
      named('2026-03-01T10:00:01.000Z', 'Algebra'),
      named('2026-03-01T10:00:02.000Z', 'Algebra, algorithms, alg'),
      named('2026-03-01T10:00:03.000Z', 'Algebra, algorithms, alg'),
    ];
    await timeline.apply(events);
    const [first, , third, fourth] = events.map(idOf);
    for (const chunk of [1, 2, 3, 1000]) {
      timeline = await openIndex(chunk);
      expect(await walk(digests(ana, anaAccount), 2, { q: 'algo' })).toEqual([[fourth, third], [first]]);
    }
  });

  it('finds a phrase only where its words are together, wherever else they are, however few postings it reads at a time', async () => {
    const ana = { mbox: 'mailto:ana@school.example' };
    const names = ['Question 7 of the quiz', 'Question 8, part 7', 'Lesson 7', 'Question 7 of the test', 'Question 17 of the quiz', 'Quiz 7: question 9'];
    const events = names.map((name, n) => stored(ana, `2026-03-01T10:00:0${n}.000Z`, { object: { objectType: 'Activity', id: `https://school.example/${n}`, definition: { name: { en: name } } } }));
    await timeline.apply(events);
    const [quiz, , , test] = events.map(idOf);
    for (const chunk of [1, 2, 1000]) {
      timeline = await openIndex(chunk);
      expect(await walk(digests(ana), 10, { q: 'question 7 of' })).toEqual([[test, quiz]]);
      expect(await walk(digests(ana), 1, { q: 'question 7 of the q' })).toEqual([[quiz]]);
    }
  });

  it('filters text together with kind and institution', async () => {
    const ana = { mbox: 'mailto:ana@school.example' };
    const course = (at: string, authority = SCHOOL_AUTHORITY) =>
      stored(ana, at, { authority, object: { objectType: 'Activity', id: `https://school.example/${at}`, definition: { name: { 'en-US': `Course ${at}` }, type: 'http://adlnet.gov/expapi/activities/course' } } });
    const events = [course('2026-03-01T10:00:00.000Z'), course('2026-03-01T10:00:01.000Z', COLLEGE_AUTHORITY), stored(ana, '2026-03-01T10:00:02.000Z')];
    await timeline.apply(events);
    const [first, second] = events.map(idOf);
    expect(await walk(digests(ana), 10, { q: '2026', kind: 'course' })).toEqual([[second, first]]);
    expect(await walk(digests(ana), 10, { q: 'course', institution: 'account:http://lrs.test/|school-key' })).toEqual([[first]]);
    expect(await walk(digests(ana), 10, { q: 'activity', kind: 'course' })).toEqual([[]]);
  });
});
