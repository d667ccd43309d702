/**
 * The pull cursor as pure functions (issue 15: pull "with since and more, checkpointed, resumable
 * after a crash of either side"; xAPI Communication 2.1.3: `since` is exclusive, `more` a path on
 * the LRS's host).
 */
import fc from 'fast-check';
import { advance, nextPageUrl, progressOf, resolveMore, resumeSince, statementsUrl, unseen, type PulledStatement } from './cursor';
import type { PullCursor } from './records';

const ENDPOINT = 'https://peer.example/xapi';
const T = '2026-03-01T10:00:00.250Z';

describe('the URL of a page', () => {
  it('asks for the statements after since, oldest first, with their attachments, and the filters as xAPI parameters', () => {
    const url = new URL(statementsUrl(ENDPOINT, { agent: { mbox: 'mailto:ana@example.org' }, verb: 'http://adlnet.gov/expapi/verbs/passed', related_agents: true }, T, 200));
    expect(url.origin + url.pathname).toBe('https://peer.example/xapi/statements');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ascending: 'true',
      attachments: 'true',
      limit: '200',
      since: T,
      agent: '{"mbox":"mailto:ana@example.org"}',
      verb: 'http://adlnet.gov/expapi/verbs/passed',
      related_agents: 'true',
    });
  });

  it('follows the more link kept with the last page stored', () => {
    const more = 'https://peer.example/xapi/statements?more=abc';
    expect(nextPageUrl(ENDPOINT, { filters: {}, cursor: { since: T, more } }, 100)).toEqual({ url: more, via: 'more' });
  });

  it('without a more link, reads again from 1 ms before the newest stored received (since is exclusive and a batch shares one stored time)', () => {
    const next = nextPageUrl(ENDPOINT, { filters: {}, since: '2020-01-01T00:00:00.000Z', cursor: { since: T, boundaryIds: ['a'] } }, 100);
    expect(next.via).toBe('since');
    expect(new URL(next.url).searchParams.get('since')).toBe('2026-03-01T10:00:00.249Z');
  });

  it('starts where the source starts, or from the first statement the peer holds', () => {
    expect(resumeSince({}, '2020-01-01T00:00:00.000Z')).toBe('2020-01-01T00:00:00.000Z');
    expect(new URL(nextPageUrl(ENDPOINT, { filters: {}, cursor: {} }, 100).url).searchParams.has('since')).toBe(false);
  });
});

describe("the peer's more link", () => {
  it('is a path on the endpoint’s host (Communication 2.1.3), also given absolute at that origin', () => {
    expect(resolveMore(ENDPOINT, '/xapi/statements?more=p2')).toEqual({ url: 'https://peer.example/xapi/statements?more=p2' });
    expect(resolveMore(ENDPOINT, 'https://peer.example/lrs/more/7')).toEqual({ url: 'https://peer.example/lrs/more/7' });
    expect(resolveMore(ENDPOINT, '')).toEqual({});
    expect(resolveMore(ENDPOINT, undefined)).toEqual({});
  });

  it.each([
    ['another host', 'https://elsewhere.example/xapi/statements?more=p2', 'another origin (https://elsewhere.example)'],
    ['a protocol-relative link to another host', '//elsewhere.example/more', 'another origin (https://elsewhere.example)'],
    ['another scheme', 'http://peer.example/xapi/statements?more=p2', 'another origin (http://peer.example)'],
    ['another port', 'https://peer.example:8443/more', 'another origin (https://peer.example:8443)'],
    ['not a text', 42, 'not a text'],
  ])('pointing to %s is refused: the credentials must not go elsewhere', (_, more, reason) => {
    const resolved = resolveMore(ENDPOINT, more);
    expect(resolved).toEqual({ refused: expect.stringContaining(reason) });
  });
});

describe('ties at the boundary stored time', () => {
  const batch = ['s1', 's2', 's3', 's4', 's5'].map((id) => ({ id, stored: T }));

  it('a page ending inside a batch remembers the ids of that millisecond; read again from since − 1 ms, only the rest is new', () => {
    const afterPage = advance({}, [{ id: 'older', stored: '2026-03-01T09:00:00.000Z' }, ...batch.slice(0, 3)], undefined);
    expect(afterPage).toEqual({ since: T, boundaryIds: ['s1', 's2', 's3'] });
    // The peer answers from since − 1 ms: the whole batch again, and what came after.
    const again = [...batch, { id: 'later', stored: '2026-03-01T10:00:01.000Z' }];
    expect(unseen(again, afterPage).map((statement) => statement.id)).toEqual(['s4', 's5', 'later']);
  });

  it('a batch spanning pages keeps every id of its millisecond, and a newer stored time starts a new boundary', () => {
    const first = advance({}, batch.slice(0, 2), 'https://peer.example/more/2');
    const second = advance(first, batch.slice(2), 'https://peer.example/more/3');
    expect(second.boundaryIds).toEqual(['s1', 's2', 's3', 's4', 's5']);
    const third = advance(second, [{ id: 'n1', stored: '2026-03-01T10:00:00.251Z' }], undefined);
    expect(third).toEqual({ since: '2026-03-01T10:00:00.251Z', boundaryIds: ['n1'] });
  });

  it('reads microsecond stored times at millisecond precision; statements without a stored time leave the cursor as it was', () => {
    const cursor = advance({ since: T, boundaryIds: ['s1'] }, [{ id: 'm1', stored: '2026-03-01T10:00:00.250400Z' }, { id: 'x' }, { id: 'y', stored: 'yesterday' }], undefined);
    expect(cursor).toEqual({ since: T, boundaryIds: ['s1', 'm1'] });
    expect(resumeSince(cursor, undefined)).toBe('2026-03-01T10:00:00.249Z');
  });

  it('an empty page keeps the position and drops the more link', () => {
    expect(advance({ since: T, boundaryIds: ['s1'], more: 'https://peer.example/more/2' }, [], undefined)).toEqual({ since: T, boundaryIds: ['s1'] });
  });

  /**
   * A peer paging statements of few distinct stored times (many ties), which forgets its more
   * links at a few random moments (a restart, an expiry): whatever the page size and the moments,
   * every statement is received exactly once, in order. (A peer losing every link while more
   * statements share one millisecond than a page holds could never be read past them: no cursor can.)
   */
  it('receives every statement exactly once, whatever the page size and when the more link is lost', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }),
        (storedOffsets, limit, losses) => {
          const held = storedOffsets
            .map((offset, index) => ({ id: `id-${String(index).padStart(3, '0')}`, stored: new Date(Date.parse(T) + offset).toISOString() }))
            .sort((a, b) => a.stored.localeCompare(b.stored) || a.id.localeCompare(b.id));
          const received = pullEverything(held, limit, losses);
          expect(received).toEqual(held.map((statement) => statement.id));
        },
      ),
    );
  });
});

describe('progress', () => {
  const now = Date.parse('2026-03-01T12:00:00.000Z');

  it('is the stored time reached between the first statement received and now', () => {
    expect(progressOf({ firstStored: '2026-03-01T08:00:00.000Z', cursor: { since: '2026-03-01T11:00:00.000Z' }, caughtUp: false }, now)).toEqual({
      from: '2026-03-01T08:00:00.000Z',
      through: '2026-03-01T11:00:00.000Z',
      fraction: 0.75,
    });
  });

  it('is 0 before the first page and 1 once caught up', () => {
    expect(progressOf({ cursor: {}, caughtUp: false }, now).fraction).toBe(0);
    expect(progressOf({ firstStored: '2026-03-01T08:00:00.000Z', cursor: { since: '2026-03-01T09:00:00.000Z' }, caughtUp: true }, now).fraction).toBe(1);
  });
});

/** Pages of `held` as an LRS answers them (since exclusive, more as a position); the more link is forgotten after the pages in `losses`. */
function pullEverything(held: Array<{ id: string; stored: string }>, limit: number, losses: number[]): string[] {
  const received: string[] = [];
  let cursor: PullCursor = {};
  for (let page = 0; page < 1000; page++) {
    const position = cursor.more === undefined ? undefined : Number(cursor.more);
    const since = resumeSince(cursor, undefined);
    const after = position ?? held.findIndex((statement) => since === undefined || statement.stored > since);
    const start = after === -1 ? held.length : after;
    const statements: PulledStatement[] = held.slice(start, start + limit);
    const more = start + limit < held.length ? String(start + limit) : undefined;
    received.push(...unseen(statements, cursor).map((statement) => statement.id as string));
    cursor = advance(cursor, statements, losses.includes(page) ? undefined : more);
    if (more === undefined) return received;
  }
  throw new Error('the pull never ended');
}
