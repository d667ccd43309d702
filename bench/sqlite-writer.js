'use strict';
/**
 * Writes statements into a Keiko SQLite database, as a child process of bench/run.js (forked,
 * one job over IPC), so its synchronous better-sqlite3 work runs outside the orchestrator and
 * outside the LRS, as a second process would. Two jobs:
 *
 *   fill: brings the LRS's own database (DATA_DIR/keiko-lrs.db, opened beside the running LRS
 *         without the DATA_DIR lock, as the credentials CLI does) to `target` statements through
 *         the real adapter, SqliteStatementStorage.storeBatch (dist/), `batch` statements per call;
 *   raw:  the baseline of the ingest figures: `statements` statements as prepared INSERTs of the
 *         same row shapes SqliteStatementStorage writes (a `statements` row and its
 *         `statement_views` rows, filter values interned in `view_values`), one transaction per
 *         `batch`, into a separate database file with the same schema and pragmas
 *         (openSqliteDatabase). Rows are spliced from pre-serialised statements, so the time is
 *         SQLite's (plus building 100 small objects per batch).
 */
const { openSqliteDatabase } = require('../dist/db/sqlite/database');
const { SqliteStatementStorage } = require('../dist/xapi/statements/sqlite-statement-storage');
const { recordPool, newRecord, sqliteRow } = require('./records');
const { indexedValues } = require('../dist/xapi/statements/sqlite-statement-storage');

process.once('message', (job) => {
  const run = job.mode === 'fill' ? fill : raw;
  run(job).then(
    (result) => process.send({ ok: true, result }, () => process.exit(0)),
    (error) => process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1)),
  );
});

const now = () => performance.now();

function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function fill(job) {
  const pool = recordPool({ size: job.poolSize, seed: job.seed, authority: job.authority });
  const db = openSqliteDatabase(job.file);
  try {
    const storage = new SqliteStatementStorage(db);
    let count = db.prepare('SELECT count(*) FROM statements').pluck().get();
    const start = count;
    const t0 = now();
    const cpu0 = cpuMs();
    let lastReport = t0;
    let next = 0;
    while (count < job.target) {
      const size = Math.min(job.batch, job.target - count);
      const records = new Array(size);
      for (let i = 0; i < size; i++) {
        records[i] = newRecord(pool[next], job.credentialKey);
        next = (next + 1) % pool.length;
      }
      const { stored } = await storage.storeBatch(records);
      count += stored.length;
      if (now() - lastReport > 10_000) {
        lastReport = now();
        process.send({ progress: { count, seconds: (now() - t0) / 1000 } });
      }
    }
    const seconds = (now() - t0) / 1000;
    return { statements: count - start, count, seconds, cpuMs: cpuMs() - cpu0 };
  } finally {
    db.close();
  }
}

async function raw(job) {
  const pool = recordPool({ size: job.poolSize, seed: job.seed, authority: job.authority });
  const db = openSqliteDatabase(job.file);
  try {
    // The INSERTs of SqliteStatementStorage (its constructor), verbatim.
    const insert = db.prepare(
      `INSERT INTO statements (id, stored, body, fingerprint, views, target_id, voids_id, voided, credential, attachments)
       VALUES (@id, @stored, @body, @fingerprint, @views, @target_id, @voids_id, @voided, @credential, @attachments)`,
    );
    const insertView = db.prepare('INSERT OR IGNORE INTO statement_views (value_id, stored, seq) VALUES (?, ?, ?)');
    const insertValue = db.prepare('INSERT INTO view_values (field, value) VALUES (?, ?)');
    const valueIds = new Map();
    for (const { value_id: id, field, value } of db.prepare('SELECT value_id, field, value FROM view_values').iterate()) {
      valueIds.set(`${field}\n${value}`, id);
    }
    const valueId = (field, value) => {
      const key = `${field}\n${value}`;
      let id = valueIds.get(key);
      if (id === undefined) {
        id = Number(insertValue.run(field, value).lastInsertRowid);
        valueIds.set(key, id);
      }
      return id;
    };
    const writeBatch = db.transaction((rows, entries) => {
      for (let i = 0; i < rows.length; i++) {
        const seq = Number(insert.run(rows[i]).lastInsertRowid);
        const views = entries[i].views;
        for (const [field, value] of indexedValues(views)) insertView.run(valueId(field, value), rows[i].stored, seq);
      }
    });
    let lastStored = db.prepare('SELECT max(stored) FROM statements').pluck().get() ?? 0;
    const latencies = [];
    let written = 0;
    let next = 0;
    const t0 = now();
    const cpu0 = cpuMs();
    while (written < job.statements) {
      const size = Math.min(job.batch, job.statements - written);
      const batchStart = now();
      lastStored = Math.max(Date.now(), lastStored + 1);
      const rows = new Array(size);
      const entries = new Array(size);
      for (let i = 0; i < size; i++) {
        entries[i] = pool[next];
        rows[i] = sqliteRow(pool[next], job.credentialKey, lastStored);
        next = (next + 1) % pool.length;
      }
      writeBatch.immediate(rows, entries);
      latencies.push(now() - batchStart);
      written += size;
    }
    const seconds = (now() - t0) / 1000;
    return { statements: written, seconds, cpuMs: cpuMs() - cpu0, latencies };
  } finally {
    db.close();
  }
}
