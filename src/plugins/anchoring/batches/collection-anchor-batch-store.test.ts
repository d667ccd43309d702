import { openAnchorBatchStore } from '../../../../test-support/anchoring';
import { openTestBackend, TEST_ENGINES, type TestBackend } from '../../../../test-support/backends';
import { describeAnchorBatchStoreContract } from './anchor-batch-store.contract';

describe.each(TEST_ENGINES)('on %s', (engine) => {
  let opened: TestBackend;
  beforeAll(async () => {
    opened = await openTestBackend(engine);
  });
  afterAll(async () => {
    await opened.dispose();
  });

  describeAnchorBatchStoreContract('CollectionAnchorBatchStore', async () => {
    await opened.backend.collections.clearOwner('anchoring');
    return openAnchorBatchStore(opened.backend.collections);
  });
});
