import { MongoServerError, type Collection, type Db } from 'mongodb';
import { ConflictError } from '../errors';
import {
  CREDENTIAL_EXISTS_CODE,
  credentialAuthority,
  generateKey,
  generateSecret,
  validateCredentialFields,
  type CreateCredentialInput,
  type Credential,
  type CredentialAuthority,
  type CredentialStore,
  type IssuedCredential,
  type StoredCredential,
  type UpsertResult,
} from './credential-store';
import type { Scope } from './scopes';
import { hashSecret, type SecretHash } from './secret-hash';

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
const DUPLICATE_KEY = 11000;

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
    const key = input.key ?? generateKey();
    const secret = input.secret ?? generateSecret();
    validateCredentialFields({ key, secret, name: input.name, scopes: input.scopes });
    const now = new Date();
    const document: CredentialDocument = {
      _id: key,
      ...this.describe(key, input.name, input.scopes),
      secretHash: await hashSecret(secret),
      createdAt: now,
      updatedAt: now,
    };
    await this.insert(document);
    return { key, secret, credential: toCredential(document) };
  }

  async upsert(key: string, secret: string, name: string, scopes: Scope[]): Promise<UpsertResult> {
    validateCredentialFields({ key, secret, name, scopes });
    const now = new Date();
    const result = await this.collection.findOneAndUpdate(
      { _id: key },
      {
        $set: { ...this.describe(key, name, scopes), secretHash: await hashSecret(secret), updatedAt: now },
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

  private describe(key: string, name: string, scopes: Scope[]) {
    const trimmedName = name.trim();
    return {
      name: trimmedName,
      scopes: [...new Set(scopes)],
      authority: credentialAuthority(trimmedName, key, this.options.authorityHomePage),
    };
  }

  private async insert(document: CredentialDocument): Promise<void> {
    try {
      await this.collection.insertOne(document);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) {
        throw new ConflictError(CREDENTIAL_EXISTS_CODE, `A credential with key "${document._id}" already exists`);
      }
      throw error;
    }
  }
}

function toCredential(document: Omit<CredentialDocument, 'secretHash'>): Credential {
  const { _id: key, name, scopes, authority, createdAt, updatedAt, revokedAt } = document;
  return { key, name, scopes, authority, createdAt, updatedAt, ...(revokedAt && { revokedAt }) };
}
