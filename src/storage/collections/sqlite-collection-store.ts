import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../../db/sqlite/database';
import {
  assertCollectionName,
  assertId,
  assertOwner,
  assertRevision,
  checkedIndexes,
  checkedQuery,
  checkedWhere,
  encodeDocument,
  typeOf,
  type CheckedQuery,
  type Condition,
  type ValueType,
} from './collection-rules';
import {
  UniqueIndexViolation,
  type Collection,
  type CollectionDeclaration,
  type CollectionDump,
  type CollectionStore,
  type FieldValue,
  type FindQuery,
  type IndexDeclaration,
  type ListedCollection,
  type StoredDocument,
} from './collection-store';

type Parameter = string | number | null;
type Statement = Database.Statement<Parameter[]>;

/** Query statements prepared per distinct SQL text, the oldest dropped beyond this many. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * All collections in the `collection_documents` table, keyed by (owner, collection, id), the
 * document as JSON text in `body`. A declared index is a partial expression index over
 * (owner, collection, json_extract(body, field)...) restricted to its collection, named
 * "cx:owner/collection/index". Queries name owner and collection as literals (both validated
 * against a strict pattern) and the fields with the indexes' very expressions, so that SQLite can
 * tell a partial index applies; typed guards (json_type) make comparisons agree with MongoDB's,
 * which only compares values of one type. Each call is one statement, atomic in SQLite.
 */
export class SqliteCollectionStore implements CollectionStore, CollectionDump {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: SqliteDatabase) {}

  async open<T extends object = Record<string, unknown>>(owner: string, name: string, declaration?: CollectionDeclaration): Promise<Collection<T>> {
    assertOwner(owner);
    assertCollectionName(name);
    const indexes = checkedIndexes(declaration);
    this.db.transaction(() => this.reconcileIndexes(owner, name, indexes)).immediate();
    return new SqliteCollection<T>(this, owner, name, indexes);
  }

  async clearOwner(owner: string): Promise<void> {
    assertOwner(owner);
    this.statement('DELETE FROM collection_documents WHERE owner = ?').run(owner);
  }

  /**
   * Every collection there is (holding documents or declared indexes), with its declaration, which
   * is its indexes, and how many documents it holds, in no particular order: for dumps
   * (`npm run migrate`).
   */
  async listCollections(): Promise<ListedCollection[]> {
    const listed = new Map<string, ListedCollection>();
    const entry = (owner: string, name: string) => {
      const key = `${owner}/${name}`;
      let found = listed.get(key);
      if (found === undefined) listed.set(key, (found = { owner, name, indexes: [], documents: 0 }));
      return found;
    };
    const counts = this.db.prepare('SELECT owner, collection, count(*) AS n FROM collection_documents GROUP BY owner, collection').all() as Array<{
      owner: string;
      collection: string;
      n: number;
    }>;
    for (const { owner, collection, n } of counts) entry(owner, collection).documents = n;
    const indexes = this.db
      .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'collection_documents' AND substr(name, 1, 3) = 'cx:'")
      .all() as Array<{ name: string; sql: string }>;
    for (const { name, sql } of indexes) {
      const [owner, collection, index] = name.slice('cx:'.length).split('/') as [string, string, string];
      const fields = [...sql.matchAll(FIELD_EXPRESSION)].map((match) => match[1]!);
      entry(owner, collection).indexes.push({ name: index, fields, unique: sql.startsWith('CREATE UNIQUE ') });
    }
    return [...listed.values()];
  }

  /**
   * A collection's documents in id order after `afterId`, revisions included, at most `limit` and,
   * beyond the first, at most `maxBytes` of JSON: for dumps.
   */
  async documentsAfter(owner: string, name: string, afterId: string | undefined, limit: number, maxBytes: number): Promise<StoredDocument<Record<string, unknown>>[]> {
    const rows = this.statement('SELECT id, revision, body FROM collection_documents WHERE owner = ? AND collection = ? AND id > ? ORDER BY id').iterate(
      owner,
      name,
      afterId ?? '',
    ) as IterableIterator<DocumentRow>;
    const documents: StoredDocument<Record<string, unknown>>[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += Buffer.byteLength(row.body);
      if (documents.length === limit || (documents.length > 0 && bytes > maxBytes)) break;
      documents.push(toStoredDocument(row));
    }
    return documents;
  }

  /**
   * Stores the documents as they are, revisions included, replacing those with the same ids (for
   * restoring a dump: the collection is opened with its declaration first, so that its unique
   * indexes hold). One transaction.
   */
  async restore(owner: string, name: string, documents: StoredDocument<Record<string, unknown>>[]): Promise<void> {
    assertOwner(owner);
    assertCollectionName(name);
    const write = this.statement(
      `INSERT INTO collection_documents (owner, collection, id, revision, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (owner, collection, id) DO UPDATE SET revision = excluded.revision, body = excluded.body`,
    );
    const rows = documents.map(({ id, revision, value }) => {
      assertId(id);
      assertRevision(revision);
      return [owner, name, id, revision, encodeDocument(value).json];
    });
    try {
      this.db.transaction(() => rows.forEach((row) => write.run(...row)))();
    } catch (error) {
      throw writeError(error, owner, name);
    }
  }

  /** Runs `work` in one immediate transaction. */
  inTransaction(work: () => void): void {
    this.db.transaction(work).immediate();
  }

  /** A prepared statement for this SQL, reused. */
  statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement) return statement;
    statement = this.db.prepare<Parameter[]>(sql);
    if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    this.statements.set(sql, statement);
    return statement;
  }

  /** Creates the declared indexes the collection lacks, replaces changed ones and drops those no longer declared. */
  private reconcileIndexes(owner: string, name: string, indexes: IndexDeclaration[]): void {
    const prefix = indexPrefix(owner, name);
    const existing = this.db
      .prepare('SELECT name, sql FROM sqlite_schema WHERE type = ? AND tbl_name = ? AND substr(name, 1, ?) = ?')
      .all('index', 'collection_documents', prefix.length, prefix) as Array<{ name: string; sql: string }>;
    const wanted = new Map(indexes.map((index) => [`${prefix}${index.name}`, { index, sql: createIndexSql(owner, name, index) }]));
    for (const { name: indexName, sql } of existing) {
      if (wanted.get(indexName)?.sql === sql) wanted.delete(indexName);
      else this.db.exec(`DROP INDEX ${quoteIdentifier(indexName)}`);
    }
    for (const { index, sql } of wanted.values()) {
      try {
        this.db.exec(sql);
      } catch (error) {
        if (isUniqueConstraintError(error)) throw new UniqueIndexViolation(index.name);
        throw error;
      }
    }
  }
}

const PUT_SQL = `INSERT INTO collection_documents (owner, collection, id, revision, body) VALUES (?, ?, ?, 1, ?)
  ON CONFLICT (owner, collection, id) DO UPDATE SET body = excluded.body, revision = revision + 1`;

class SqliteCollection<T extends object> implements Collection<T> {
  private readonly scope: string;

  constructor(
    private readonly store: SqliteCollectionStore,
    private readonly owner: string,
    private readonly name: string,
    private readonly indexes: IndexDeclaration[],
  ) {
    this.scope = `owner = ${quoteLiteral(owner)} AND collection = ${quoteLiteral(name)}`;
  }

  async get(id: string): Promise<StoredDocument<T> | undefined> {
    assertId(id);
    const row = this.store
      .statement('SELECT id, revision, body FROM collection_documents WHERE owner = ? AND collection = ? AND id = ?')
      .get(this.owner, this.name, id) as DocumentRow | undefined;
    return row && toStoredDocument<T>(row);
  }

  async insert(id: string, value: T): Promise<boolean> {
    assertId(id);
    const { json } = encodeDocument(value);
    return this.write(
      'INSERT INTO collection_documents (owner, collection, id, revision, body) VALUES (?, ?, ?, 1, ?) ON CONFLICT (owner, collection, id) DO NOTHING',
      [this.owner, this.name, id, json],
    );
  }

  async put(id: string, value: T): Promise<void> {
    assertId(id);
    const { json } = encodeDocument(value);
    this.write(PUT_SQL, [this.owner, this.name, id, json]);
  }

  async putMany(entries: ReadonlyArray<{ id: string; value: T }>): Promise<void> {
    const rows = entries.map(({ id, value }) => {
      assertId(id);
      return [this.owner, this.name, id, encodeDocument(value).json];
    });
    this.store.inTransaction(() => rows.forEach((row) => this.write(PUT_SQL, row)));
  }

  async update(id: string, value: T, revision: number): Promise<boolean> {
    assertId(id);
    const { json } = encodeDocument(value);
    if (!Number.isSafeInteger(revision)) return false;
    return this.write(
      'UPDATE collection_documents SET body = ?, revision = revision + 1 WHERE owner = ? AND collection = ? AND id = ? AND revision = ?',
      [json, this.owner, this.name, id, revision],
    );
  }

  async delete(id: string): Promise<boolean> {
    assertId(id);
    return this.store.statement('DELETE FROM collection_documents WHERE owner = ? AND collection = ? AND id = ?').run(this.owner, this.name, id).changes === 1;
  }

  async find(query?: FindQuery): Promise<StoredDocument<T>[]> {
    const { conditions, orderBy, idDescending, limit } = checkedQuery(query);
    const filter = whereSql(conditions);
    const order = [...orderBy.map(({ field, descending }) => `${fieldExpression(field)}${descending ? ' DESC' : ''}`), `id${idDescending ? ' DESC' : ''}`];
    const sql =
      `SELECT id, revision, body FROM ${this.source(conditions, orderBy)} WHERE ${this.scope}${filter.sql} ` +
      `ORDER BY ${order.join(', ')} LIMIT ?`;
    const rows = this.store.statement(sql).all(...filter.parameters, limit) as DocumentRow[];
    return rows.map((row) => toStoredDocument<T>(row));
  }

  async count(where?: FindQuery['where']): Promise<number> {
    const conditions = checkedWhere(where);
    const filter = whereSql(conditions);
    const sql = `SELECT count(*) AS n FROM ${this.source(conditions, [])} WHERE ${this.scope}${filter.sql}`;
    return (this.store.statement(sql).get(...filter.parameters) as { n: number }).n;
  }

  async deleteMany(where?: FindQuery['where']): Promise<number> {
    const conditions = checkedWhere(where);
    const filter = whereSql(conditions);
    return this.store.statement(`DELETE FROM ${this.source(conditions, [])} WHERE ${this.scope}${filter.sql}`).run(...filter.parameters).changes;
  }

  /**
   * The table, with the declared index that serves the query best when one does. Without
   * statistics SQLite's planner prefers walking the primary key in id order over an index whose
   * matches it would then sort, which reads the whole collection for a selective query.
   */
  private source(conditions: Condition[], orderBy: CheckedQuery['orderBy']): string {
    const index = bestIndex(this.indexes, conditions, orderBy);
    return index ? `collection_documents INDEXED BY ${quoteIdentifier(`${indexPrefix(this.owner, this.name)}${index.name}`)}` : 'collection_documents';
  }

  private write(sql: string, parameters: Parameter[]): boolean {
    try {
      return this.store.statement(sql).run(...parameters).changes === 1;
    } catch (error) {
      throw writeError(error, this.owner, this.name);
    }
  }
}


interface DocumentRow {
  id: string;
  revision: number;
  body: string;
}

function toStoredDocument<T>(row: DocumentRow): StoredDocument<T> {
  return { id: row.id, revision: row.revision, value: JSON.parse(row.body) as T };
}

/**
 * The index whose leading fields the most equality conditions fix, then whose next field a range
 * bounds, then whose following fields give the order asked for; none when no index helps.
 */
export function bestIndex(indexes: IndexDeclaration[], conditions: Condition[], orderBy: CheckedQuery['orderBy']): IndexDeclaration | undefined {
  const fixed = new Set(conditions.filter(isIndexEquality).map((condition) => condition.field));
  const ranged = new Set(conditions.filter((condition) => condition.kind === 'range').map((condition) => condition.field));
  let best: { index: IndexDeclaration; score: number } | undefined;
  for (const index of indexes) {
    let prefix = 0;
    while (prefix < index.fields.length && fixed.has(index.fields[prefix]!)) prefix++;
    const rest = index.fields.slice(prefix);
    const sortKeys = orderBy.filter(({ field }) => !fixed.has(field));
    const ordered = sortKeys.length > 0 && sortKeys.every(({ field, descending }, at) => rest[at] === field && descending === sortKeys[0]!.descending);
    const score = prefix * 4 + (rest[0] !== undefined && ranged.has(rest[0]) ? 2 : 0) + (ordered ? 1 : 0);
    if (score > 0 && score > (best?.score ?? 0)) best = { index, score };
  }
  return best?.index;
}

/** An equality an index search can use: one value, or several of one type (`null` with others makes an OR). */
function isIndexEquality(condition: Condition): boolean {
  if (condition.kind === 'eq') return true;
  return condition.kind === 'in' && condition.values.length > 0 && new Set(condition.values.map(typeOf)).size === 1 && condition.values[0] !== null;
}

function indexPrefix(owner: string, name: string): string {
  return `cx:${owner}/${name}/`;
}

function createIndexSql(owner: string, name: string, index: IndexDeclaration): string {
  const columns = ['owner', 'collection', ...index.fields.map(fieldExpression)].join(', ');
  return (
    `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(`${indexPrefix(owner, name)}${index.name}`)} ` +
    `ON collection_documents (${columns}) WHERE owner = ${quoteLiteral(owner)} AND collection = ${quoteLiteral(name)}`
  );
}

/** A field in an index's SQL, as fieldExpression writes it. */
const FIELD_EXPRESSION = /json_extract\(body, '\$\."([A-Za-z0-9_-]+)"'\)/g;

/** Field names are validated (collection-rules FIELD_NAME): no quote can reach the JSON path. */
function fieldExpression(field: string): string {
  return `json_extract(body, '$."${field}"')`;
}

const JSON_TYPES: Record<Exclude<ValueType, 'null'>, string> = {
  number: "IN ('integer', 'real')",
  string: "= 'text'",
  boolean: "IN ('true', 'false')",
};

/** Restricts a comparison to values of the type compared with, as MongoDB does (json_extract makes booleans 0/1, objects text). */
function typeGuard(field: string, type: Exclude<ValueType, 'null'>): string {
  return `json_type(body, '$."${field}"') ${JSON_TYPES[type]}`;
}

const COMPARISONS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function whereSql(conditions: Condition[]): { sql: string; parameters: Parameter[] } {
  const parameters: Parameter[] = [];
  const terms = conditions.map((condition) => {
    const expression = fieldExpression(condition.field);
    if (condition.kind === 'range') {
      parameters.push(sqlValue(condition.value));
      return `${expression} ${COMPARISONS[condition.operator]} ? AND ${typeGuard(condition.field, typeOf(condition.value) as Exclude<ValueType, 'null'>)}`;
    }
    const values = condition.kind === 'eq' ? [condition.value] : condition.values;
    return `(${oneOf(condition.field, expression, values, parameters)})`;
  });
  return { sql: terms.map((term) => ` AND ${term}`).join(''), parameters };
}

/** `null` matches a missing field too, as in MongoDB. */
function oneOf(field: string, expression: string, values: FieldValue[], parameters: Parameter[]): string {
  const byType = new Map<ValueType, FieldValue[]>();
  for (const value of values) byType.set(typeOf(value), [...(byType.get(typeOf(value)) ?? []), value]);
  const alternatives = [...byType].map(([type, ofType]) => {
    if (type === 'null') return `${expression} IS NULL`;
    parameters.push(...ofType.map(sqlValue));
    const test = ofType.length === 1 ? '= ?' : `IN (${ofType.map(() => '?').join(', ')})`;
    return `${expression} ${test} AND ${typeGuard(field, type)}`;
  });
  return alternatives.length === 0 ? '0' : alternatives.join(' OR ');
}

/** What json_extract yields for the value: booleans are 1 and 0. */
function sqlValue(value: FieldValue): Parameter {
  return typeof value === 'boolean' ? Number(value) : value;
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function isUniqueConstraintError(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A write's error, as UniqueIndexViolation when one of the collection's unique indexes refused it. */
function writeError(error: unknown, owner: string, name: string): unknown {
  const index = isUniqueConstraintError(error) ? violatedIndex(error as Error, indexPrefix(owner, name)) : undefined;
  return index === undefined ? error : new UniqueIndexViolation(index);
}

/** The declared index named in SQLite's "UNIQUE constraint failed: index 'cx:owner/collection/name'". */
function violatedIndex(error: Error, prefix: string): string | undefined {
  const match = /index '([^']*)'/.exec(error.message);
  return match?.[1]?.startsWith(prefix) ? match[1].slice(prefix.length) : undefined;
}
