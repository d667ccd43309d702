import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/mongo';
import {
  credentialExistsError,
  prepareCredential,
  storedCredential,
  type CreateCredentialInput,
  type Credential,
  type CredentialAuthority,
  type CredentialStore,
  type IssuedCredential,
  type StoredCredential,
  type UpsertResult,
} from './credential-store';
import type { Scope } from './scopes';
import type { SecretHash } from './secret-hash';

export const CREDENTIALS_COLLECTION = 'credentials';

interface CredentialDocument {
  /** The key. */
  _id: string;
  name: string;
  scopes: Scope[];
  authority: CredentialAuthority;
  secretHash: SecretHash;
  createdAt: Date;
  updatedAt: Date;
  revokedAt?: Date;
}

export interface MongoCredentialStoreOptions {
  /** The IRL recorded as `account.homePage` in each new credential's authority. */
  authorityHomePage: string;
}

const ACTIVE = { revokedAt: { $exists: false } } as const;

/** Credentials in the `credentials` collection, one document per key (`_id`). */
export class MongoCredentialStore implements CredentialStore {
  private readonly collection: Collection<CredentialDocument>;

  constructor(
    db: Db,
    private readonly options: MongoCredentialStoreOptions,
  ) {
    this.collection = db.collection<CredentialDocument>(CREDENTIALS_COLLECTION);
  }

  async create(input: CreateCredentialInput): Promise<IssuedCredential> {
    const { key, secret, description, secretHash } = await prepareCredential(input, this.options.authorityHomePage);
    const now = new Date();
    const document: CredentialDocument = { _id: key, ...description, secretHash, createdAt: now, updatedAt: now };
    try {
      await this.collection.insertOne(document);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw credentialExistsError(key);
      throw error;
    }
    return { key, secret, credential: toCredential(document) };
  }

  async upsert(key: string, secret: string, name: string, scopes: Scope[]): Promise<UpsertResult> {
    const { description, secretHash } = await prepareCredential({ key, secret, name, scopes }, this.options.authorityHomePage);
    const now = new Date();
    const result = await this.collection.findOneAndUpdate(
      { _id: key },
      {
        $set: { ...description, secretHash, updatedAt: now },
        $setOnInsert: { createdAt: now },
        $unset: { revokedAt: '' },
      },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    if (!result.value) throw new Error(`Upserting credential "${key}" returned no document`);
    return { credential: toCredential(result.value), created: result.lastErrorObject?.updatedExisting !== true };
  }

  async findActive(key: string): Promise<StoredCredential | null> {
    const document = await this.collection.findOne({ _id: key, ...ACTIVE });
    return document && { credential: toCredential(document), secretHash: document.secretHash };
  }

  async list(): Promise<Credential[]> {
    const documents = await this.collection
      .find({}, { projection: { secretHash: 0 } })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    return documents.map(toCredential);
  }

  async revoke(key: string): Promise<boolean> {
    const now = new Date();
    const result = await this.collection.updateOne(
      { _id: key, ...ACTIVE },
      { $set: { revokedAt: now, updatedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  async rehomeAuthorities(homePage: string): Promise<number> {
    const result = await this.collection.updateMany(
      { 'authority.account.homePage': { $ne: homePage } },
      { $set: { 'authority.account.homePage': homePage, updatedAt: new Date() } },
    );
    return result.modifiedCount;
  }
}

function toCredential(document: Omit<CredentialDocument, 'secretHash'>): Credential {
  return storedCredential(document._id, document, document);
}
