import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../db/sqlite/database';
import {
  documentContextId,
  documentRecordId,
  type DocumentIdList,
  type DocumentKey,
  type DocumentMeta,
  type DocumentQuery,
  type DocumentStorage,
  type Expected,
  type NewDocument,
  type StoredDocument,
} from './document-storage';

interface MetaRow {
  content_type: string;
  etag: string;
  updated: number;
}

interface ContentRow extends MetaRow {
  content: Buffer;
}

/** A row of `documents`. */
export interface DocumentRow {
  key: string;
  context: string;
  registration: string | null;
  document_id: string;
  content_type: string;
  etag: string;
  updated: number;
  content: Buffer;
}

/** Parameters of the list statements: the context, and the registration / `since` when given (else null). */
interface ContextParameters {
  context: string;
  registration: string | null;
  since: number | null;
}

/**
 * One row per document in `documents`, content inline as a BLOB (SQLite keeps any size up to the
 * document body limit in a row), keyed by the same hashed key as MongoDocumentStorage. Every write
 * is one statement, so each compare-and-swap is atomic across connections and processes; there is
 * never unreferenced content to sweep.
 */
export class SqliteDocumentStorage implements DocumentStorage {
  private readonly select: Statement<[string], ContentRow>;
  private readonly selectMeta: Statement<[string], MetaRow>;
  private readonly upsert: Statement<DocumentRow>;
  private readonly insert: Statement<DocumentRow>;
  private readonly replace: Statement<DocumentRow & { expected_etag: string }>;
  private readonly deleteAny: Statement<[string]>;
  private readonly deleteVersion: Statement<[string, string]>;
  private readonly selectIds: Statement<ContextParameters, { document_id: string; updated: number }>;
  private readonly deleteContext: Statement<Omit<ContextParameters, 'since'>>;

  constructor(db: SqliteDatabase) {
    const columns = '(key, context, registration, document_id, content_type, etag, updated, content)';
    const values = '(@key, @context, @registration, @document_id, @content_type, @etag, @updated, @content)';
    const inContext = 'context = @context AND (@registration IS NULL OR registration = @registration)';
    this.select = db.prepare('SELECT content_type, etag, updated, content FROM documents WHERE key = ?');
    this.selectMeta = db.prepare('SELECT content_type, etag, updated FROM documents WHERE key = ?');
    this.upsert = db.prepare(
      `INSERT INTO documents ${columns} VALUES ${values}
       ON CONFLICT (key) DO UPDATE SET content_type = excluded.content_type, etag = excluded.etag,
         updated = excluded.updated, content = excluded.content`,
    );
    this.insert = db.prepare(`INSERT INTO documents ${columns} VALUES ${values} ON CONFLICT (key) DO NOTHING`);
    this.replace = db.prepare(
      `UPDATE documents SET content_type = @content_type, etag = @etag, updated = @updated, content = @content
       WHERE key = @key AND etag = @expected_etag`,
    );
    this.deleteAny = db.prepare('DELETE FROM documents WHERE key = ?');
    this.deleteVersion = db.prepare('DELETE FROM documents WHERE key = ? AND etag = ?');
    this.selectIds = db.prepare(
      `SELECT document_id, updated FROM documents WHERE ${inContext} AND (@since IS NULL OR updated > @since)`,
    );
    this.deleteContext = db.prepare(`DELETE FROM documents WHERE ${inContext}`);
  }

  async ensureIndexes(): Promise<void> {
    // The schema, indexes included, is created by the migrations (openSqliteDatabase).
  }

  async get(key: DocumentKey): Promise<StoredDocument | undefined> {
    const row = this.select.get(documentRecordId(key));
    return row === undefined ? undefined : { ...metaOf(row), content: row.content };
  }

  async getMeta(key: DocumentKey): Promise<DocumentMeta | undefined> {
    const row = this.selectMeta.get(documentRecordId(key));
    return row === undefined ? undefined : metaOf(row);
  }

  async put(key: DocumentKey, document: NewDocument, expected: Expected): Promise<boolean> {
    const row: DocumentRow = {
      key: documentRecordId(key),
      context: documentContextId(key),
      registration: key.registration ?? null,
      document_id: key.id,
      content_type: document.contentType,
      etag: document.etag,
      updated: document.updated.getTime(),
      content: document.content,
    };
    if (expected === 'any') return this.upsert.run(row).changes === 1;
    if (expected === 'absent') return this.insert.run(row).changes === 1;
    return this.replace.run({ ...row, expected_etag: expected.etag }).changes === 1;
  }

  async delete(key: DocumentKey, expected: 'any' | { etag: string }): Promise<boolean> {
    const recordId = documentRecordId(key);
    const result = expected === 'any' ? this.deleteAny.run(recordId) : this.deleteVersion.run(recordId, expected.etag);
    return result.changes === 1;
  }

  async listIds(query: DocumentQuery): Promise<DocumentIdList> {
    const rows = this.selectIds.all({ ...contextParameters(query), since: query.since?.getTime() ?? null });
    const latest = rows.reduce<number | undefined>((max, row) => (max === undefined || row.updated > max ? row.updated : max), undefined);
    return {
      ids: [...new Set(rows.map((row) => row.document_id))],
      lastModified: latest === undefined ? undefined : new Date(latest),
    };
  }

  async deleteAll(query: DocumentQuery): Promise<number> {
    return this.deleteContext.run(contextParameters(query)).changes;
  }

  async sweepUnreferencedContent(): Promise<number> {
    return 0;
  }
}

function metaOf(row: MetaRow): DocumentMeta {
  return { contentType: row.content_type, etag: row.etag, updated: new Date(row.updated) };
}

function contextParameters(query: DocumentQuery): Omit<ContextParameters, 'since'> {
  return { context: documentContextId(query), registration: query.registration ?? null };
}
