import type { Collection, Document, IndexSpecification } from 'mongodb';

export interface IndexDefinition {
  key: IndexSpecification;
  name: string;
  unique?: boolean;
}

/**
 * Creates the indexes a collection lacks, one at a time. FerretDB v1.24 closes the connection
 * when one createIndexes command names several indexes that already exist, so the existing
 * ones are listed first and skipped.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: readonly IndexDefinition[]): Promise<void> {
  const existing = await collection.listIndexes().toArray().catch(() => []);
  const names = new Set(existing.map((index) => index.name as string));
  for (const index of indexes) {
    if (names.has(index.name)) continue;
    await collection.createIndex(index.key, index.unique ? { name: index.name, unique: true } : { name: index.name });
  }
}
