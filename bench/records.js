'use strict';
/**
 * Statements as the LRS stores them, for filling databases without HTTP and for the raw-insert
 * baselines. A pool of distinct statements (bench/statements.js) is generated once, each with
 * what ingest computes from it (StatementIngest's newRecord: id, authority and version set, the
 * fingerprint, the filter view); a record is a pool entry with a fresh id. The fingerprint and the
 * view do not depend on the id, so a pool entry reused with another id is exactly what the LRS
 * would store for a client re-sending that content under a new id.
 *
 * Needs dist/ (npm run build).
 */
const { randomUUID } = require('node:crypto');
const { statementFingerprint } = require('../dist/xapi/statements/fingerprint');
const { ownFilterView, VIEW_FIELDS } = require('../dist/xapi/statements/filter-view');
const gen = require('./statements');

const ID_MARK = '00000000-0000-4000-8000-00000000id00';
const STORED_MARK = '2000-01-01T00:00:00.000Z#stored';

/**
 * `size` distinct statements. `authority` is the submitting credential's authority (the LRS
 * writes it into every statement and into the related-agents view).
 */
function recordPool({ size, seed, authority }) {
  const random = gen.seededRandom(seed);
  const pool = new Array(size);
  for (let i = 0; i < size; i++) {
    const { statement } = gen.makeStatement({ random });
    // completeStatement (ingest.ts): id, contextActivities as arrays (already), authority, version.
    const full = { ...statement, id: ID_MARK, authority, version: '1.0.0' };
    const views = ownFilterView(full);
    // The stored body: stampRecords adds `stored` (timestamp is set by the client here).
    const body = JSON.stringify({ ...full, stored: STORED_MARK });
    const [beforeId, afterId] = body.split(ID_MARK);
    const [middle, afterStored] = afterId.split(STORED_MARK);
    pool[i] = {
      full,
      fingerprint: statementFingerprint(statement),
      views,
      viewsJson: JSON.stringify(views),
      bodyParts: [beforeId, middle, afterStored],
    };
  }
  return pool;
}

/** A NewStatementRecord (statement-storage.ts) as StatementIngest hands it to storeBatch. */
function newRecord(entry, credentialKey, id = randomUUID()) {
  return {
    id,
    statement: { ...entry.full, id },
    fingerprint: entry.fingerprint,
    views: entry.views,
    targetId: undefined,
    voidsId: undefined,
    credentialKey,
    attachmentHashes: [],
  };
}

/** A stored StatementRecord (after stampRecords and the batch's effects: none for these statements). */
function storedRecord(entry, credentialKey, stored, id = randomUUID()) {
  return {
    id,
    statement: { ...entry.full, id, stored: stored.toISOString() },
    stored,
    fingerprint: entry.fingerprint,
    views: entry.views,
    voided: false,
    credentialKey,
    attachmentHashes: [],
  };
}

/** The `statements` row of SqliteStatementStorage (its toRow), built by splicing the pre-serialised body. */
function sqliteRow(entry, credentialKey, storedMs, id = randomUUID()) {
  const [beforeId, middle, afterStored] = entry.bodyParts;
  return {
    id,
    stored: storedMs,
    body: `${beforeId}${id}${middle}${new Date(storedMs).toISOString()}${afterStored}`,
    fingerprint: entry.fingerprint,
    views: entry.viewsJson,
    target_id: null,
    voids_id: null,
    voided: 0,
    credential: credentialKey,
    attachments: '[]',
  };
}

module.exports = { recordPool, newRecord, storedRecord, sqliteRow, VIEW_FIELDS };
