import { CANONICALIZATION, DIGEST_ALGORITHM } from './digest';
import { AnchoringError } from './errors';
import { parseFelt } from './felt';
import type { FeltHex } from './merkle';

/**
 * The receipt format, `XapiStarknetAnchorReceipt/v1`, and its strict parser. A receipt is
 * self-contained JSON: with it (and optionally the statement) anyone can check the digest, the
 * leaf, the Merkle proof and the issuer's signature offline, and the root against the chain.
 * docs/anchoring.md has an example.
 */
export const RECEIPT_TYPE = 'XapiStarknetAnchorReceipt/v1';

export type FinalityStatus = 'ACCEPTED_ON_L2' | 'ACCEPTED_ON_L1';
const FINALITY_STATUSES: readonly FinalityStatus[] = ['ACCEPTED_ON_L2', 'ACCEPTED_ON_L1'];

export interface ReceiptDigest {
  algorithm: typeof DIGEST_ALGORITHM;
  canonicalization: typeof CANONICALIZATION;
  /** SHA-256 of the statement's canonical JSON, 64 lower-case hex digits. */
  value: string;
}

/** Where and when the batch root was anchored. */
export interface AnchorDetails {
  /** The chain id felt, as `starknet_chainId` returns it (SN_SEPOLIA is 0x534e5f5345504f4c4941). */
  chainId: FeltHex;
  /** The AnchorRegistry contract. */
  contractAddress: FeltHex;
  /** Its class hash (which code the root was checked against). */
  classHash: FeltHex;
  /** The `anchor` transaction. */
  transactionHash: FeltHex;
  blockNumber: number;
  blockHash: FeltHex;
  /** Upgraded from ACCEPTED_ON_L2 to ACCEPTED_ON_L1 as finality advances (the signature does not cover it). */
  finalityStatus: FinalityStatus;
}

/** The LRS that issued the receipt and the Starknet account that signed it. */
export interface ReceiptIssuer {
  /** The LRS's public base URL. */
  lrs: string;
  accountAddress: FeltHex;
  /** The account's Stark public key (x coordinate), for offline signature checks. */
  publicKey: FeltHex;
}

export interface XapiStarknetAnchorReceipt {
  type: typeof RECEIPT_TYPE;
  statementId: string;
  digest: ReceiptDigest;
  /** poseidon_hash_span([LEAF_DOMAIN_TAG, digest high u128, digest low u128]). */
  leaf: FeltHex;
  /** Sibling hashes, bottom-up (see merkle.ts). */
  proof: FeltHex[];
  /** The statement's position in the batch (stored order) and the batch size. */
  leafIndex: number;
  treeSize: number;
  root: FeltHex;
  /** The registry's batch id (a u64), in decimal. */
  batchId: string;
  anchor: AnchorDetails;
  issuer: ReceiptIssuer;
  /** SNIP-12 signature [r, s] by issuer.accountAddress's key over receiptTypedData(receipt). */
  signature: FeltHex[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIGEST_HEX = /^[0-9a-f]{64}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const U64_LIMIT = 2n ** 64n;

/** Checks a parsed JSON value has exactly the receipt's shape; throws INVALID_RECEIPT saying where not. */
export function parseReceipt(value: unknown): XapiStarknetAnchorReceipt {
  const receipt = record(value, 'receipt');
  if (receipt.type !== RECEIPT_TYPE) invalid(`type is not ${RECEIPT_TYPE}`);
  text(receipt.statementId, 'statementId', UUID);
  const digest = record(receipt.digest, 'digest');
  if (digest.algorithm !== DIGEST_ALGORITHM) invalid(`digest.algorithm is not ${DIGEST_ALGORITHM}`);
  if (digest.canonicalization !== CANONICALIZATION) invalid(`digest.canonicalization is not ${CANONICALIZATION}`);
  text(digest.value, 'digest.value', DIGEST_HEX);
  felt(receipt.leaf, 'leaf');
  felts(receipt.proof, 'proof');
  const treeSize = count(receipt.treeSize, 'treeSize', 1);
  if (count(receipt.leafIndex, 'leafIndex', 0) >= treeSize) invalid('leafIndex is not below treeSize');
  felt(receipt.root, 'root');
  text(receipt.batchId, 'batchId', DECIMAL);
  if (BigInt(receipt.batchId as string) >= U64_LIMIT) invalid('batchId is not a u64');
  parseAnchor(receipt.anchor);
  const issuer = record(receipt.issuer, 'issuer');
  text(issuer.lrs, 'issuer.lrs', /./);
  felt(issuer.accountAddress, 'issuer.accountAddress');
  felt(issuer.publicKey, 'issuer.publicKey');
  felts(receipt.signature, 'signature');
  return value as XapiStarknetAnchorReceipt;
}

function parseAnchor(value: unknown): void {
  const anchor = record(value, 'anchor');
  for (const name of ['chainId', 'contractAddress', 'classHash', 'transactionHash', 'blockHash']) {
    felt(anchor[name], `anchor.${name}`);
  }
  count(anchor.blockNumber, 'anchor.blockNumber', 0);
  if (!FINALITY_STATUSES.includes(anchor.finalityStatus as FinalityStatus)) {
    invalid(`anchor.finalityStatus is not one of ${FINALITY_STATUSES.join(', ')}`);
  }
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${where} is not an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, where: string, pattern: RegExp): void {
  if (typeof value !== 'string' || !pattern.test(value)) invalid(`${where} is missing or malformed`);
}

function felt(value: unknown, where: string): void {
  if (typeof value !== 'string') invalid(`${where} is not a hex felt`);
  try {
    parseFelt(value as string, where);
  } catch (error) {
    invalid(error instanceof Error ? error.message : String(error));
  }
}

function felts(value: unknown, where: string): void {
  if (!Array.isArray(value)) invalid(`${where} is not an array`);
  (value as unknown[]).forEach((item, index) => felt(item, `${where}[${index}]`));
}

function count(value: unknown, where: string, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    invalid(`${where} is not an integer ≥ ${minimum}`);
  }
  return value as number;
}

function invalid(reason: string): never {
  throw new AnchoringError('INVALID_RECEIPT', `not an ${RECEIPT_TYPE} receipt: ${reason}`);
}
