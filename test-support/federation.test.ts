/**
 * The federation harness itself (test-support/federation.ts), on two real LRSs in child processes:
 * a stream of statements survives a SIGKILL of the LRS it writes into (each batch sent again until
 * acknowledged, stored once), and the comparison of two LRSs' statements finds what is lost,
 * duplicated, different or extra — so that the end-to-end tests' "0 lost, 0 duplicated" (issue 15
 * goals) means something.
 */
import { randomUUID } from 'node:crypto';
import { compareHoldings, contentDigest, holdings, KeikoInstance, StatementStream, storedLags, streamStatement, waitForStatements } from './federation';
import { sleep } from './child-lrs';

jest.setTimeout(400_000);

describe('the federation harness, on two LRSs in child processes', () => {
  let one: KeikoInstance;
  let other: KeikoInstance;
  beforeAll(async () => {
    [one, other] = await Promise.all([KeikoInstance.start('one'), KeikoInstance.start('other')]);
  });
  afterAll(async () => {
    await Promise.all([one?.dispose(), other?.dispose()]);
  });

  it('a stream written across a SIGKILL and restart of its LRS: every statement acknowledged, stored once, nothing else stored', async () => {
    const stream = new StatementStream(one, { batch: 20, concurrency: 2 });
    const writing = stream.write(300);
    while (stream.ids.length < 60) await sleep(10);
    await one.kill();
    await one.restart();
    await writing;

    expect(stream.ids).toHaveLength(300);
    expect(stream.retries).toBeGreaterThan(0); // the kill cut batches off: they were sent again
    const held = await holdings(one);
    expect(held.duplicated).toEqual([]);
    expect(new Set(held.statements.keys())).toEqual(new Set(stream.ids));
    expect(held.pages).toBeGreaterThan(1); // `more` followed
    expect(one.serverErrors).toBe(0);
  });

  it('comparing two LRSs finds the lost, the different and the extra statements; the lags are from stored to stored', async () => {
    const sent = new StatementStream(one);
    await sent.write(2);
    const everything = await allStatements(one);
    const [lost, changed] = sent.ids.map((id) => everything.find((statement) => statement.id === id)!) as [Record<string, unknown>, Record<string, unknown>];
    // `other` gets what `one` holds but `lost`, a different statement under `changed`'s id, and one of its own.
    const copied = everything.filter(({ id }) => id !== lost.id && id !== changed.id);
    const different = { ...changed, result: { success: false } };
    const own = streamStatement();
    await new StatementStream(other).write(copied.length + 2, nextOf([...copied, different, own]));

    const sender = await holdings(one);
    const receiver = await waitForStatements(other, [own.id as string], 10_000);
    expect(compareHoldings(sender, receiver)).toEqual({ lost: [lost.id], duplicated: [], different: [changed.id], extra: [own.id] });
    const lags = storedLags(sender, receiver);
    expect(lags).toHaveLength(sender.statements.size - 1);
    expect(lags[0]).toBeGreaterThanOrEqual(0); // copied after it was stored
  });

  it('the content digest ignores what each LRS sets itself (stored, authority, version) and the order of keys, nothing else', () => {
    const statement = streamStatement();
    const stored = { ...statement, stored: new Date().toISOString(), authority: { mbox: 'mailto:lrs@example.org' }, version: '1.0.3' };
    const reordered = Object.fromEntries(Object.entries(statement).reverse());
    expect(contentDigest(stored)).toBe(contentDigest(statement));
    expect(contentDigest(reordered)).toBe(contentDigest(statement));
    expect(contentDigest({ ...statement, timestamp: new Date(0).toISOString() })).not.toBe(contentDigest(statement));
    expect(contentDigest({ ...statement, id: randomUUID() })).not.toBe(contentDigest(statement));
  });
});

async function allStatements(lrs: KeikoInstance): Promise<Array<Record<string, unknown>>> {
  const statements: Array<Record<string, unknown>> = [];
  let next: string | undefined = '/xapi/statements?ascending=true';
  while (next) {
    const page = await lrs.expect(200, 'GET', next);
    statements.push(...page.statements.map(({ stored: _stored, authority: _authority, version: _version, ...statement }: Record<string, unknown>) => statement));
    next = page.more || undefined;
  }
  return statements;
}

function nextOf(statements: Array<Record<string, unknown>>): () => Record<string, unknown> {
  let index = 0;
  return () => statements[index++]!;
}
