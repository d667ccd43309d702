import type { Db, Document } from 'mongodb';
import type { CollectionDeclaration, CollectionStore } from './collections/collection-store';

const LEGACY = { batches: 'anchor_batches', leaves: 'anchor_leaves' } as const;

/**
 * The anchoring plugin's stores as its version 1.0.0 declares them
 * (src/plugins/anchoring/batches/collection-anchor-batch-store.ts: ANCHORING_STORES); the core
 * never imports a plugin, so this one-off upgrade repeats them.
 */
const ANCHORING = 'anchoring';
const BATCHES: CollectionDeclaration = {
  indexes: [
    { name: 'seq', fields: ['seq'], unique: true },
    { name: 'state_seq', fields: ['state', 'seq'] },
    { name: 'finality_seq', fields: ['finality', 'state', 'seq'] },
  ],
};
const LEAF_WRITES_AT_ONCE = 64;

/**
 * One-off upgrade of a MongoDB database from before anchoring was a plugin: the batches and leaves
 * of `anchor_batches` and `anchor_leaves` move into the anchoring plugin's collections, as the
 * documents its CollectionAnchorBatchStore writes (times as ISO strings, a batch's first and last
 * statements named by their feed position), then the old collections are dropped. Every write
 * is a replacement, so a start that stops part-way is completed by the next one. Runs once the
 * statements have their feed positions (MongoStatementStorage.ensureIndexes). Returns how many
 * batches and leaves moved.
 */
export async function moveLegacyAnchoring(db: Db, collections: CollectionStore): Promise<{ batches: number; leaves: number }> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name));
  if (!existing.has(LEGACY.batches) && !existing.has(LEGACY.leaves)) return { batches: 0, leaves: 0 };
  const leaves = existing.has(LEGACY.leaves) ? await moveLeaves(db, collections) : 0;
  const batches = existing.has(LEGACY.batches) ? await moveBatches(db, collections) : 0;
  await db.collection(LEGACY.batches).drop().catch(ignoreMissing);
  await db.collection(LEGACY.leaves).drop().catch(ignoreMissing);
  return { batches, leaves };
}

async function moveLeaves(db: Db, collections: CollectionStore): Promise<number> {
  const target = await collections.open(ANCHORING, 'leaves', {});
  let moved = 0;
  let chunk: Document[] = [];
  const flush = async () => {
    await Promise.all(chunk.map(({ _id, seq, leafIndex, digest, leaf, proof }) => target.put(String(_id), { seq, leafIndex, digest, leaf, proof })));
    moved += chunk.length;
    chunk = [];
  };
  for await (const document of db.collection(LEGACY.leaves).find()) {
    chunk.push(document);
    if (chunk.length === LEAF_WRITES_AT_ONCE) await flush();
  }
  await flush();
  return moved;
}

async function moveBatches(db: Db, collections: CollectionStore): Promise<number> {
  const target = await collections.open(ANCHORING, 'batches', BATCHES);
  const statements = db.collection<{ _id: string; p?: number }>('statements');
  const positionOf = async (edge: { id: string }) => (await statements.findOne({ _id: edge.id }, { projection: { p: 1 } }))?.p;
  let moved = 0;
  for await (const { _id: seq, ...stored } of db.collection(LEGACY.batches).find()) {
    // Earlier versions stored fields changed to undefined as null: those are left out.
    const batch = Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== null && value !== undefined));
    const document = {
      ...batch,
      seq,
      first: { id: batch.first.id, position: await positionOf(batch.first) },
      last: { id: batch.last.id, position: await positionOf(batch.last) },
      recordedAt: new Date(batch.recordedAt).toISOString(),
      nextAttemptAt: new Date(batch.nextAttemptAt).toISOString(),
      finality: batch.anchor?.finality,
    };
    await target.put(String(seq), JSON.parse(JSON.stringify(document)) as Record<string, unknown>);
    moved++;
  }
  return moved;
}

function ignoreMissing(error: unknown): void {
  if ((error as { codeName?: string }).codeName !== 'NamespaceNotFound') throw error;
}
