/**
 * The SQLite schema, as an ordered list of migrations: migration n brings a database from
 * schema version n-1 to n (`PRAGMA user_version`). Append new migrations; never edit one that
 * has been released, since data directories already carry it.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'statements, documents, attachments, credentials, activities, agents, anchoring, leases',
    sql: `
      -- A statement row holds the statement as JSON text beside what is indexed. seq (the rowid)
      -- follows (stored, id) order: batches are stamped with strictly increasing stored times and
      -- their statements inserted in id order.
      CREATE TABLE statements (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        stored INTEGER NOT NULL,
        body TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        views TEXT NOT NULL,
        target_id TEXT,
        voids_id TEXT,
        voided INTEGER NOT NULL DEFAULT 0,
        credential TEXT NOT NULL,
        attachments TEXT NOT NULL
      );
      CREATE INDEX statements_stored ON statements (stored);
      CREATE INDEX statements_credential ON statements (credential, stored);
      -- Statements referring to one not stored yet are found through this index when it arrives.
      CREATE INDEX statements_target ON statements (target_id) WHERE target_id IS NOT NULL;

      -- Filter views (filter-view.ts), one row per (field, value) a statement can be matched by.
      -- Values are interned so that the index rows stay small.
      CREATE TABLE view_values (
        value_id INTEGER PRIMARY KEY,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        UNIQUE (field, value)
      );
      CREATE TABLE statement_views (
        value_id INTEGER NOT NULL,
        stored INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (value_id, stored, seq)
      ) WITHOUT ROWID;

      CREATE TABLE attachment_blobs (
        hash TEXT PRIMARY KEY,
        content_type TEXT NOT NULL,
        content BLOB NOT NULL,
        stored_at INTEGER NOT NULL
      );
      CREATE INDEX attachment_blobs_stored_at ON attachment_blobs (stored_at);

      CREATE TABLE documents (
        key TEXT PRIMARY KEY,
        context TEXT NOT NULL,
        registration TEXT,
        document_id TEXT NOT NULL,
        content_type TEXT NOT NULL,
        etag TEXT NOT NULL,
        updated INTEGER NOT NULL,
        content BLOB NOT NULL
      );
      CREATE INDEX documents_context ON documents (context, registration, updated);

      CREATE TABLE credentials (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        authority TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX credentials_created ON credentials (created_at, key);

      CREATE TABLE activities (
        id TEXT PRIMARY KEY,
        definition TEXT NOT NULL
      );

      -- The names seen with an agent's IFI key (ifiKey in actors.ts), each once, in the order first seen (seq).
      CREATE TABLE agent_names (
        seq INTEGER PRIMARY KEY,
        ifi TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (ifi, name)
      );

      CREATE TABLE anchor_batches (
        seq INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        finality TEXT,
        batch TEXT NOT NULL
      );
      CREATE INDEX anchor_batches_state ON anchor_batches (state, seq);
      CREATE INDEX anchor_batches_finality ON anchor_batches (finality, seq) WHERE finality IS NOT NULL;

      CREATE TABLE anchor_leaves (
        statement_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        leaf_index INTEGER NOT NULL,
        digest TEXT NOT NULL,
        leaf TEXT NOT NULL,
        proof TEXT NOT NULL
      );

      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'collection documents (the generic collection store of features and plugins)',
    sql: `
      -- Every collection's documents (SqliteCollectionStore). Declared indexes are partial
      -- expression indexes on this table, one set per (owner, collection), named "cx:owner/collection/index".
      CREATE TABLE collection_documents (
        owner TEXT NOT NULL,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (owner, collection, id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: "anchoring batches and leaves into the anchoring plugin's collections",
    sql: `
      -- Anchoring became the plugin "anchoring" (src/plugins/anchoring), which keeps its batches and
      -- leaves in the collection store, in the documents CollectionAnchorBatchStore writes. A batch
      -- names its first and last statements by feed position (statements.seq) instead of stored time.
      INSERT INTO collection_documents (owner, collection, id, revision, body)
        SELECT 'anchoring', 'batches', CAST(seq AS TEXT), 1,
          json_patch(batch, json_object(
            'seq', seq,
            'finality', finality,
            'first', json_object('stored', NULL, 'position',
              (SELECT statements.seq FROM statements WHERE statements.id = json_extract(batch, '$.first.id'))),
            'last', json_object('stored', NULL, 'position',
              (SELECT statements.seq FROM statements WHERE statements.id = json_extract(batch, '$.last.id')))))
        FROM anchor_batches;
      INSERT INTO collection_documents (owner, collection, id, revision, body)
        SELECT 'anchoring', 'leaves', statement_id, 1,
          json_object('seq', seq, 'leafIndex', leaf_index, 'digest', digest, 'leaf', leaf, 'proof', json(proof))
        FROM anchor_leaves;
      DROP TABLE anchor_leaves;
      DROP TABLE anchor_batches;
    `,
  },
];
