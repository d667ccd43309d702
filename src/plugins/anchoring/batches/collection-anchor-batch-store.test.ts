import { SqliteCollectionStore } from '../../../storage/collections/sqlite-collection-store';
import { useTestSqliteDatabase } from '../../../../test-support/sqlite';
import { describeAnchorBatchStoreContract } from './anchor-batch-store.contract';
import { ANCHORING_STORES, CollectionAnchorBatchStore, type BatchDocument, type LeafDocument } from './collection-anchor-batch-store';

const database = useTestSqliteDatabase();

describeAnchorBatchStoreContract('CollectionAnchorBatchStore on SQLite', async () => {
  const collections = new SqliteCollectionStore(database());
  await collections.clearOwner('anchoring');
  return new CollectionAnchorBatchStore(
    await collections.open<BatchDocument>('anchoring', 'batches', ANCHORING_STORES.batches),
    await collections.open<LeafDocument>('anchoring', 'leaves', ANCHORING_STORES.leaves),
  );
});
