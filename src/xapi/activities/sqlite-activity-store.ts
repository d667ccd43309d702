import type { Statement, Transaction } from 'better-sqlite3';
import type { SqliteDatabase } from '../../db/sqlite/database';
import type { Activity, ActivityDefinition } from '../types';
import type { ActivityStore } from './activity-store';
import { mergeDefinitions } from './definitions';
import { canonicalActivity, incomingDefinitions, KnownDefinitions } from './known-definitions';

/**
 * One row per activity in `activities`, the canonical definition as JSON text. A batch's
 * definitions are read, merged and written in one immediate transaction, so concurrent merges
 * never lose each other's languages, across connections too. A cache of the latest canonical
 * definitions (KnownDefinitions) lets a batch that brings nothing new skip the database.
 */
export class SqliteActivityStore implements ActivityStore {
  private readonly known = new KnownDefinitions();
  private readonly mergeAll: Transaction<(incoming: [string, ActivityDefinition][]) => [string, string][]>;
  private readonly selectMany: Statement<[string], { id: string; definition: string }>;

  constructor(db: SqliteDatabase) {
    const select: Statement<[string], { definition: string }> = db.prepare('SELECT definition FROM activities WHERE id = ?');
    const upsert: Statement<[string, string]> = db.prepare(
      'INSERT INTO activities (id, definition) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition',
    );
    this.mergeAll = db.transaction((incoming: [string, ActivityDefinition][]) =>
      incoming.map(([id, definition]): [string, string] => {
        const stored = select.get(id)?.definition;
        const text = JSON.stringify(
          mergeDefinitions(stored === undefined ? undefined : (JSON.parse(stored) as ActivityDefinition), definition),
        );
        if (text !== stored) upsert.run(id, text);
        return [id, text];
      }),
    );
    this.selectMany = db.prepare('SELECT id, definition FROM activities WHERE id IN (SELECT value FROM json_each(?))');
  }

  async mergeDefinitions(activities: Activity[]): Promise<void> {
    const changed = this.known.changing(incomingDefinitions(activities));
    if (changed.length === 0) return;
    for (const [id, text] of this.mergeAll.immediate(changed)) this.known.remember(id, text);
  }

  async getMany(ids: string[]): Promise<Map<string, Activity>> {
    if (ids.length === 0) return new Map();
    const rows = this.selectMany.all(JSON.stringify([...new Set(ids)]));
    return new Map(rows.map((row) => [row.id, canonicalActivity(row.id, row.definition)]));
  }
}
