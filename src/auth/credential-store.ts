import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { BadRequestError, ConflictError } from '../errors';
import type { Account, Agent } from '../xapi/types';
import { isScope, type Scope } from './scopes';
import { hashSecret, type SecretHash } from './secret-hash';

/**
 * The port through which authentication reads credentials and administration manages them.
 * Adapters: MongoCredentialStore, SqliteCredentialStore. Every adapter must pass
 * describeCredentialStoreContract (credential-store.contract.ts).
 */
export interface CredentialStore {
  /** Issues a credential; generates the key and/or secret when not given. Throws ConflictError if the key exists. */
  create(input: CreateCredentialInput): Promise<IssuedCredential>;
  /** Creates the credential, or replaces its name, scopes and secret and reactivates it if revoked. */
  upsert(key: string, secret: string, name: string, scopes: Scope[]): Promise<UpsertResult>;
  /** The credential with this key and its secret hash, unless unknown or revoked. */
  findActive(key: string): Promise<StoredCredential | null>;
  /** Every credential, revoked ones included, oldest first; never secret material. */
  list(): Promise<Credential[]>;
  /** Revokes an active credential; false when the key is unknown or already revoked. */
  revoke(key: string): Promise<boolean>;
  /**
   * Makes `homePage` the authority homePage of every credential, revoked ones included (for an LRS
   * whose public URL changed); returns how many credentials changed. Statements already stored
   * keep the authority they were stored with.
   */
  rehomeAuthorities(homePage: string): Promise<number>;
}

export interface Credential {
  key: string;
  name: string;
  scopes: Scope[];
  /** Recorded as the authority of the statements this credential stores (Data §2.4.9). */
  authority: CredentialAuthority;
  createdAt: Date;
  updatedAt: Date;
  revokedAt?: Date;
}

/** An Agent identified by an account on this LRS whose name is the credential's key. */
export interface CredentialAuthority extends Agent {
  objectType: 'Agent';
  name: string;
  account: Account;
}

export interface StoredCredential {
  credential: Credential;
  secretHash: SecretHash;
}

export interface CreateCredentialInput {
  name: string;
  scopes: Scope[];
  key?: string;
  secret?: string;
}

/** The only time a secret leaves the store in plain text. */
export interface IssuedCredential {
  key: string;
  secret: string;
  credential: Credential;
}

export interface UpsertResult {
  credential: Credential;
  created: boolean;
}

export const INVALID_CREDENTIAL_CODE = 'INVALID_CREDENTIAL';
export const CREDENTIAL_EXISTS_CODE = 'CREDENTIAL_EXISTS';

const KEY_BYTES = 18;
const SECRET_BYTES = 32;
/** Visible ASCII except ":", which cannot occur in an HTTP Basic user-id (RFC 7617 §2). */
const KEY_PATTERN = /^[\x21-\x39\x3b-\x7e]{1,128}$/;
const MIN_SECRET_LENGTH = 8;
const MAX_SECRET_LENGTH = 1024;
const MAX_NAME_LENGTH = 200;

export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function credentialAuthority(name: string, key: string, homePage: string): CredentialAuthority {
  return { objectType: 'Agent', name, account: { homePage, name: key } };
}

/** What a credential is stored with besides its key, secret hash and times. */
export interface CredentialDescription {
  /** Trimmed. */
  name: string;
  /** Each scope once. */
  scopes: Scope[];
  authority: CredentialAuthority;
}

/** What an adapter stores for a credential being created or replaced: validated, the secret hashed. */
export interface PreparedCredential {
  key: string;
  /** The secret in plain text, to hand back to whoever creates the credential, never to store. */
  secret: string;
  description: CredentialDescription;
  secretHash: SecretHash;
}

/**
 * Validates the fields of a credential to store (BadRequestError INVALID_CREDENTIAL otherwise),
 * generating the key and the secret when not given, and hashes the secret.
 */
export async function prepareCredential(
  fields: { key?: string; secret?: string; name: string; scopes: Scope[] },
  authorityHomePage: string,
): Promise<PreparedCredential> {
  const key = fields.key ?? generateKey();
  const secret = fields.secret ?? generateSecret();
  validateCredentialFields({ key, secret, name: fields.name, scopes: fields.scopes });
  const name = fields.name.trim();
  const description = { name, scopes: [...new Set(fields.scopes)], authority: credentialAuthority(name, key, authorityHomePage) };
  return { key, secret, description, secretHash: await hashSecret(secret) };
}

/** The credential as the port returns it, from what an adapter stored. */
export function storedCredential(
  key: string,
  description: CredentialDescription,
  times: { createdAt: Date; updatedAt: Date; revokedAt?: Date | null },
): Credential {
  const { name, scopes, authority } = description;
  const { createdAt, updatedAt, revokedAt } = times;
  return { key, name, scopes, authority, createdAt, updatedAt, ...(revokedAt && { revokedAt }) };
}

/** The ConflictError (CREDENTIAL_EXISTS) of creating a credential whose key is taken. */
export function credentialExistsError(key: string): ConflictError {
  return new ConflictError(CREDENTIAL_EXISTS_CODE, `A credential with key "${key}" already exists`);
}

/** Throws BadRequestError (code INVALID_CREDENTIAL) naming every problem with the fields. */
export function validateCredentialFields(fields: {
  key: string;
  secret: string;
  name: string;
  scopes: readonly string[];
}): void {
  const problems = [
    ...keyProblems(fields.key),
    ...secretProblems(fields.secret),
    ...nameProblems(fields.name),
    ...scopeProblems(fields.scopes),
  ];
  if (problems.length > 0) {
    throw new BadRequestError(INVALID_CREDENTIAL_CODE, `Invalid credential: ${problems.join('; ')}`);
  }
}

function keyProblems(key: string): string[] {
  return KEY_PATTERN.test(key) ? [] : ['the key must be 1 to 128 visible ASCII characters other than ":"'];
}

function secretProblems(secret: string): string[] {
  const validLength = secret.length >= MIN_SECRET_LENGTH && secret.length <= MAX_SECRET_LENGTH;
  const validCharacters = !/[\x00-\x1f\x7f]/.test(secret);
  return validLength && validCharacters
    ? []
    : [`the secret must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters without control characters`];
}

function nameProblems(name: string): string[] {
  const trimmed = name.trim();
  const valid = trimmed !== '' && trimmed.length <= MAX_NAME_LENGTH;
  return valid ? [] : [`the name must be 1 to ${MAX_NAME_LENGTH} characters`];
}

function scopeProblems(scopes: readonly string[]): string[] {
  if (scopes.length === 0) return ['at least one scope is required'];
  const unknown = scopes.filter((scope) => !isScope(scope));
  return unknown.length === 0 ? [] : [`unknown scope(s): ${unknown.join(', ')}`];
}

/**
 * The `account.homePage` of credential authorities: the LRS's public URL (PUBLIC_URL), else its
 * listening address. The server and the credentials CLI both use this function so their
 * credentials agree.
 */
export function authorityHomePage(config: Pick<Config, 'host' | 'port' | 'publicUrl'>): string {
  if (config.publicUrl) return new URL(config.publicUrl).href;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return new URL(`http://${host}:${config.port}/`).href;
}
