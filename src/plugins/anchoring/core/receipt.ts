import { ec, typedData, type TypedData } from 'starknet';
import type { StoredStatement } from '../../../plugin-api';
import { CANONICALIZATION, DIGEST_ALGORITHM, digestHalves, statementDigest } from './digest';
import { AnchoringError } from './errors';
import { feltToHex, parseFelt } from './felt';
import { expectedProofLength, leafOfDigest, verifyProof, type FeltHex } from './merkle';
import {
  RECEIPT_TYPE,
  parseReceipt,
  type AnchorDetails,
  type XapiStarknetAnchorReceipt,
} from './receipt-format';

/**
 * Building receipts, their SNIP-12 signature, and the offline checks of a receipt. The check
 * of the root against the chain (it needs RPC) is a `RootChecker`, supplied by the caller.
 */

/**
 * What the issuer signs (SNIP-12 revision 1 typed data, domain RECEIPT_DOMAIN on the anchor's
 * chain): the statement id (its UUID as a u128), the digest (u256), the batch root, the batch
 * id, the chain and the registry — and the leaf's position, leaf index and tree size, which the
 * sorted-pair proof alone does not bind. Not the anchor's transaction, block or finality
 * status, which the chain itself attests and which change as finality advances.
 */
export interface SignedReceiptFields {
  statementId: string;
  digest: string;
  root: FeltHex;
  batchId: string;
  chainId: FeltHex;
  contractAddress: FeltHex;
  leafIndex: number;
  treeSize: number;
}

const RECEIPT_DOMAIN = { name: 'Keiko LRS anchor receipt', version: '1', revision: '1' } as const;
const PRIMARY_TYPE = 'AnchoredStatement';

/** The typed data the issuer's account signs for a receipt. */
export function receiptTypedData(fields: SignedReceiptFields): TypedData {
  const { high, low } = digestHalves(fields.digest);
  return {
    types: {
      StarknetDomain: [
        { name: 'name', type: 'shortstring' },
        { name: 'version', type: 'shortstring' },
        { name: 'chainId', type: 'shortstring' },
        { name: 'revision', type: 'shortstring' },
      ],
      [PRIMARY_TYPE]: [
        { name: 'statementId', type: 'u128' },
        { name: 'digest', type: 'u256' },
        { name: 'root', type: 'felt' },
        { name: 'batchId', type: 'u128' },
        { name: 'chainId', type: 'felt' },
        { name: 'contractAddress', type: 'ContractAddress' },
        { name: 'leafIndex', type: 'u128' },
        { name: 'treeSize', type: 'u128' },
      ],
    },
    primaryType: PRIMARY_TYPE,
    domain: { ...RECEIPT_DOMAIN, chainId: fields.chainId },
    message: {
      statementId: uuidAsU128(fields.statementId),
      digest: { low: feltToHex(low), high: feltToHex(high) },
      root: fields.root,
      batchId: fields.batchId,
      chainId: fields.chainId,
      contractAddress: fields.contractAddress,
      leafIndex: fields.leafIndex,
      treeSize: fields.treeSize,
    },
  };
}

/** The SNIP-12 message hash of a receipt: what the account's key signs, and what an on-chain `is_valid_signature` takes. */
export function receiptMessageHash(receipt: XapiStarknetAnchorReceipt): FeltHex {
  const hash = typedData.getMessageHash(receiptTypedData(signedFields(receipt)), receipt.issuer.accountAddress);
  return feltToHex(BigInt(hash));
}

function signedFields(receipt: XapiStarknetAnchorReceipt): SignedReceiptFields {
  return {
    statementId: receipt.statementId,
    digest: receipt.digest.value,
    root: receipt.root,
    batchId: receipt.batchId,
    chainId: receipt.anchor.chainId,
    contractAddress: receipt.anchor.contractAddress,
    leafIndex: receipt.leafIndex,
    treeSize: receipt.treeSize,
  };
}

function uuidAsU128(uuid: string): string {
  return `0x${uuid.replace(/-/g, '')}`;
}

/** The LRS's Starknet account as receipts need it. */
export interface ReceiptSigner {
  accountAddress: FeltHex;
  /** The account's Stark public key (x coordinate). */
  publicKey: FeltHex;
  /** The account's signature of the typed data, as felts. */
  sign(data: TypedData): Promise<FeltHex[]>;
}

/**
 * A signer for an account whose signature is a plain Stark-key ECDSA [r, s] over the SNIP-12
 * message hash (OpenZeppelin and Argent single-signer accounts, devnet's predeployed ones).
 */
export function receiptSignerFromPrivateKey(privateKey: string, accountAddress: string): ReceiptSigner {
  const address = feltToHex(BigInt(accountAddress));
  return {
    accountAddress: address,
    publicKey: feltToHex(BigInt(ec.starkCurve.getStarkKey(privateKey))),
    sign: async (data) => {
      const { r, s } = ec.starkCurve.sign(typedData.getMessageHash(data, address), privateKey);
      return [feltToHex(r), feltToHex(s)];
    },
  };
}

/** Everything a receipt states, but the leaf (derived from the digest) and the signature. */
export interface ReceiptInput {
  statementId: string;
  /** The statement digest, 64 lower-case hex digits. */
  digest: string;
  leafIndex: number;
  treeSize: number;
  proof: FeltHex[];
  root: FeltHex;
  batchId: bigint | string;
  anchor: AnchorDetails;
  /** The LRS's public base URL. */
  lrs: string;
}

/**
 * A signed receipt. Refuses (INVALID_RECEIPT) to issue one that would not verify: a proof that
 * does not lead from the digest's leaf to the root or does not fit the leaf index and tree
 * size, or fields out of format. Costs a few milliseconds (SNIP-12 hashing with starknet.js,
 * then ECDSA): sign receipts when they are asked for, not a whole batch at once.
 */
export async function buildReceipt(input: ReceiptInput, signer: ReceiptSigner): Promise<XapiStarknetAnchorReceipt> {
  const leaf = leafOfDigest(input.digest);
  const lengthFits = input.proof.length === expectedProofLength(input.leafIndex, input.treeSize);
  if (!lengthFits || !verifyProof(leaf, input.proof, input.root)) {
    throw new AnchoringError('INVALID_RECEIPT', `the proof of statement ${input.statementId} does not lead to the root`);
  }
  const receipt: XapiStarknetAnchorReceipt = {
    type: RECEIPT_TYPE,
    statementId: input.statementId,
    digest: { algorithm: DIGEST_ALGORITHM, canonicalization: CANONICALIZATION, value: input.digest },
    leaf,
    proof: [...input.proof],
    leafIndex: input.leafIndex,
    treeSize: input.treeSize,
    root: input.root,
    batchId: String(input.batchId),
    anchor: { ...input.anchor },
    issuer: { lrs: input.lrs, accountAddress: signer.accountAddress, publicKey: signer.publicKey },
    signature: [],
  };
  receipt.signature = await signer.sign(receiptTypedData(signedFields(receipt)));
  return parseReceipt(receipt);
}

export type ReceiptCheckName = 'format' | 'digest' | 'leaf' | 'proof' | 'signature' | 'root-on-chain';

export interface ReceiptCheck {
  name: ReceiptCheckName;
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
}

/**
 * Checks the root is recorded on chain for the receipt's batch (`root_of(batchId)` of the
 * registry, at or before the receipt's block). Needs RPC: not part of the offline checks.
 */
export type RootChecker = (receipt: XapiStarknetAnchorReceipt) => Promise<{ ok: boolean; detail: string }>;

/**
 * Checks, through the issuer account's `is_valid_signature(receiptMessageHash(receipt),
 * signature)`, that the account itself (not only the public key the receipt carries) accepts
 * the signature. Needs RPC.
 */
export type AccountSignatureChecker = (
  receipt: XapiStarknetAnchorReceipt,
  messageHash: FeltHex,
) => Promise<{ ok: boolean; detail: string }>;

/**
 * The offline checks of a receipt (a parsed JSON value), by name: `format`, then — when the
 * format is right — `digest` (recomputed from the statement when one is given, else skipped),
 * `leaf` (recomputed from the digest), `proof` (the leaf and proof lead to the root; the proof
 * has the length its leaf index and tree size imply) and `signature` (the SNIP-12 signature
 * is valid for issuer.publicKey). The receipt verifies offline when none failed.
 */
export function verifyReceiptOffline(value: unknown, statement?: StoredStatement): ReceiptCheck[] {
  let receipt: XapiStarknetAnchorReceipt;
  try {
    receipt = parseReceipt(value);
  } catch (error) {
    if (!(error instanceof AnchoringError)) throw error;
    return [{ name: 'format', status: 'fail', detail: error.message }];
  }
  return [
    { name: 'format', status: 'pass', detail: RECEIPT_TYPE },
    checkDigest(receipt, statement),
    checkLeaf(receipt),
    checkProof(receipt),
    checkSignature(receipt),
  ];
}

export function receiptVerified(checks: readonly ReceiptCheck[]): boolean {
  return checks.every((check) => check.status !== 'fail');
}

function checkDigest(receipt: XapiStarknetAnchorReceipt, statement: StoredStatement | undefined): ReceiptCheck {
  const name = 'digest';
  if (!statement) return { name, status: 'skipped', detail: 'no statement given' };
  if (statement.id !== receipt.statementId) {
    return { name, status: 'fail', detail: `the statement's id ${statement.id} is not the receipt's ${receipt.statementId}` };
  }
  let digest: string;
  try {
    digest = statementDigest(statement).hex;
  } catch (error) {
    if (!(error instanceof AnchoringError)) throw error;
    return { name, status: 'fail', detail: error.message };
  }
  return digest === receipt.digest.value
    ? { name, status: 'pass', detail: `sha-256 of the statement's JCS is ${digest}` }
    : { name, status: 'fail', detail: `sha-256 of the statement's JCS is ${digest}, not the receipt's` };
}

function checkLeaf(receipt: XapiStarknetAnchorReceipt): ReceiptCheck {
  const leaf = leafOfDigest(receipt.digest.value);
  return leaf === receipt.leaf
    ? { name: 'leaf', status: 'pass', detail: `leaf of the digest is ${leaf}` }
    : { name: 'leaf', status: 'fail', detail: `leaf of the digest is ${leaf}, not the receipt's` };
}

function checkProof(receipt: XapiStarknetAnchorReceipt): ReceiptCheck {
  const expected = expectedProofLength(receipt.leafIndex, receipt.treeSize);
  if (receipt.proof.length !== expected) {
    const where = `leaf ${receipt.leafIndex} of a tree of ${receipt.treeSize}`;
    return { name: 'proof', status: 'fail', detail: `the proof has ${receipt.proof.length} steps; ${where} has ${expected}` };
  }
  return verifyProof(receipt.leaf, receipt.proof, receipt.root)
    ? { name: 'proof', status: 'pass', detail: `leaf and ${expected} proof steps lead to root ${receipt.root}` }
    : { name: 'proof', status: 'fail', detail: 'leaf and proof do not lead to the root' };
}

/**
 * Stark ECDSA against the x coordinate the receipt carries: of the two curve points with that
 * x, the signature must be valid for one (as Cairo's `check_ecdsa_signature` accepts).
 */
function checkSignature(receipt: XapiStarknetAnchorReceipt): ReceiptCheck {
  const name = 'signature';
  if (receipt.signature.length !== 2) {
    const detail = `a signature of ${receipt.signature.length} felts is not a Stark-key [r, s]; only the account can check it`;
    return { name, status: 'fail', detail };
  }
  const hash = receiptMessageHash(receipt);
  const [r, s] = receipt.signature.map((felt) => parseFelt(felt, 'signature'));
  const x = receipt.issuer.publicKey.slice(2).padStart(64, '0');
  const valid = ['02', '03'].some((parity) => validStarkSignature(r, s, hash, parity + x));
  return valid
    ? { name, status: 'pass', detail: `signed by public key ${receipt.issuer.publicKey} (message hash ${hash})` }
    : { name, status: 'fail', detail: `not a signature of message hash ${hash} by public key ${receipt.issuer.publicKey}` };
}

function validStarkSignature(r: bigint, s: bigint, hash: FeltHex, publicKey: string): boolean {
  try {
    return ec.starkCurve.verify(new ec.starkCurve.Signature(r, s), hash, publicKey);
  } catch {
    return false; // not a point on the curve, or r, s out of range
  }
}
