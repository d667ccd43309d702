import { useTestDatabase } from '../../test-support/database';
import { describeLeaseStoreContract } from './lease-store.contract';
import { MongoLeaseStore } from './mongo-lease-store';

const database = useTestDatabase();

describeLeaseStoreContract('mongo', () => new MongoLeaseStore(database()));
