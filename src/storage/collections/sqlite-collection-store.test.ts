import { useTestSqliteDatabase } from '../../../test-support/sqlite';
import { describeCollectionStoreContract } from './collection-store.contract';
import type { Collection, FindQuery } from './collection-store';
import { SqliteCollectionStore } from './sqlite-collection-store';

const database = useTestSqliteDatabase();

async function emptyStore(): Promise<SqliteCollectionStore> {
  const db = database();
  db.exec('DELETE FROM collection_documents');
  const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'cx:%'").all() as Array<{ name: string }>;
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  return new SqliteCollectionStore(db);
}

describeCollectionStoreContract('SqliteCollectionStore', emptyStore, () => new SqliteCollectionStore(database()));

describe('SqliteCollectionStore query plans', () => {
  const INDEXES = {
    indexes: [
      { name: 'by_email', fields: ['email'], unique: true },
      { name: 'by_group_n', fields: ['group', 'n'] },
    ],
  };

  /** The plan of the query statement a call runs (find by default), captured as it is prepared. */
  async function planOf(query: FindQuery, call: (collection: Collection) => Promise<unknown> = (collection) => collection.find(query)): Promise<string[]> {
    const db = database();
    const store = await emptyStore();
    const collection = await store.open('plugin-x', 'items', INDEXES);
    const prepare = db.prepare.bind(db);
    let plan: string[] = [];
    db.prepare = ((sql: string) => {
      if (sql.includes("WHERE owner = 'plugin-x'")) {
        const parameters = (sql.match(/\?/g) ?? []).map(() => 1);
        plan = (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as Array<{ detail: string }>).map((row) => row.detail);
      }
      return prepare(sql);
    }) as typeof db.prepare;
    try {
      await call(collection);
    } finally {
      db.prepare = prepare;
    }
    return plan;
  }

  it.each<[string, FindQuery, string, 'ordered' | 'sorts the matches']>([
    ['equality on a unique index', { where: { email: 'a@example.org' } }, 'by_email', 'ordered'],
    ['null on a unique index', { where: { email: null } }, 'by_email', 'ordered'],
    ['equality on the first field of a compound index', { where: { group: 'x' } }, 'by_group_n', 'sorts the matches'],
    ['equality and a range', { where: { group: 'x', n: { gt: 1, lte: 5 } } }, 'by_group_n', 'sorts the matches'],
    ['equality on every field', { where: { group: 'x', n: 1 } }, 'by_group_n', 'ordered'],
    ['equality ordered by the next field', { where: { group: 'x' }, orderBy: [{ field: 'n', descending: true }], limit: 10 }, 'by_group_n', 'ordered'],
    ['a range ordered by its field', { where: { email: { gte: 'a', lt: 'b' } }, orderBy: [{ field: 'email' }] }, 'by_email', 'ordered'],
    ['an order on the index fields', { orderBy: [{ field: 'group' }, { field: 'n' }], limit: 10 }, 'by_group_n', 'ordered'],
    ['several values of one type', { where: { group: { in: ['x', 'y'] } }, orderBy: [{ field: 'group' }, { field: 'n' }] }, 'by_group_n', 'ordered'],
  ])('uses the declared index for %s', async (_, query, index, order) => {
    const plan = (await planOf(query)).join('\n');
    expect(plan).toContain(`USING INDEX cx:plugin-x/items/${index} (owner=? AND collection=?`);
    expect(plan).not.toMatch(/\bSCAN\b/);
    if (order === 'ordered') expect(plan).not.toContain('TEMP B-TREE');
  });

  it('uses the declared index to count and delete', async () => {
    for (const call of [(collection: Collection) => collection.count({ group: 'x' }), (collection: Collection) => collection.deleteMany({ group: 'x' })]) {
      expect((await planOf({}, call)).join('\n')).toContain('USING INDEX cx:plugin-x/items/by_group_n (owner=? AND collection=? AND <expr>=?)');
    }
  });

  it('lets SQLite walk the primary key when no index helps', async () => {
    expect((await planOf({ where: { other: 1 } })).join('\n')).toContain('USING PRIMARY KEY (owner=? AND collection=?)');
  });
});
