import { ec, encode, typedData } from 'starknet';
import { sampleStoredStatement } from '../../../../test-support/statements';
import type { StoredStatement } from '../../../xapi/types';
import { digestBytes, statementDigest } from './digest';
import { AnchoringError } from './errors';
import { feltToHex } from './felt';
import { MerkleTree } from './merkle';
import {
  buildReceipt,
  receiptMessageHash,
  receiptSignerFromPrivateKey,
  receiptTypedData,
  receiptVerified,
  verifyReceiptOffline,
  type ReceiptInput,
} from './receipt';
import type { AnchorDetails, XapiStarknetAnchorReceipt } from './receipt-format';

const privateKey = `0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`;
const accountAddress = '0x64b48806902a367c8598f4f95c305e8c1a1acba5f082d294a43793113115691';
const signer = receiptSignerFromPrivateKey(privateKey, accountAddress);

const anchor: AnchorDetails = {
  chainId: '0x534e5f5345504f4c4941',
  contractAddress: '0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7',
  classHash: '0x5400e90f7e0ae78bd02c77cd75527280470e2fe19c54970dd79dc37a9d3645c',
  transactionHash: '0x2f7a3a1f7b4a9f0c3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0',
  blockNumber: 1234,
  blockHash: '0x1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2',
  finalityStatus: 'ACCEPTED_ON_L2',
};


const statements = Array.from({ length: 5 }, sampleStoredStatement);
const tree = MerkleTree.fromDigests(statements.map((statement) => digestBytes(statement)));
const INDEX = 3;

function receiptInput(index = INDEX): ReceiptInput {
  return {
    statementId: statements[index].id,
    digest: statementDigest(statements[index]).hex,
    leafIndex: index,
    treeSize: tree.size,
    proof: tree.proof(index),
    root: tree.root,
    batchId: 42n,
    anchor,
    lrs: 'https://lrs.example.org',
  };
}

let receipt: XapiStarknetAnchorReceipt;
beforeAll(async () => {
  receipt = await buildReceipt(receiptInput(), signer);
});

function failing(value: unknown, statement?: StoredStatement): string[] {
  return verifyReceiptOffline(value, statement)
    .filter((check) => check.status === 'fail')
    .map((check) => check.name);
}

function changed(mutate: (copy: XapiStarknetAnchorReceipt) => void): XapiStarknetAnchorReceipt {
  const copy = structuredClone(receipt);
  mutate(copy);
  return copy;
}

const otherFelt = (felt: string) => (felt.endsWith('1') ? `${felt.slice(0, -1)}2` : `${felt.slice(0, -1)}1`);

describe('buildReceipt', () => {
  it('issues a receipt of the documented shape', () => {
    expect(receipt).toMatchObject({
      type: 'XapiStarknetAnchorReceipt/v1',
      statementId: statements[INDEX].id,
      digest: { algorithm: 'sha-256', canonicalization: 'jcs-rfc8785', value: statementDigest(statements[INDEX]).hex },
      leaf: tree.leaf(INDEX),
      proof: tree.proof(INDEX),
      leafIndex: INDEX,
      treeSize: 5,
      root: tree.root,
      batchId: '42',
      anchor,
      issuer: { lrs: 'https://lrs.example.org', accountAddress, publicKey: signer.publicKey },
    });
    expect(receipt.signature).toHaveLength(2);
  });

  it('refuses a proof that does not lead to the root or does not fit the position', async () => {
    await expect(buildReceipt({ ...receiptInput(), root: otherFelt(tree.root) }, signer)).rejects.toThrow(AnchoringError);
    await expect(buildReceipt({ ...receiptInput(), proof: tree.proof(0) }, signer)).rejects.toThrow(AnchoringError);
    await expect(buildReceipt({ ...receiptInput(), leafIndex: 4 }, signer)).rejects.toThrow(AnchoringError);
  });
});

describe('verifyReceiptOffline', () => {
  it('passes every check of a fresh receipt, with and without the statement', () => {
    const withStatement = verifyReceiptOffline(receipt, statements[INDEX]);
    expect(withStatement.map(({ name, status }) => [name, status])).toEqual([
      ['format', 'pass'],
      ['digest', 'pass'],
      ['leaf', 'pass'],
      ['proof', 'pass'],
      ['signature', 'pass'],
    ]);
    const without = verifyReceiptOffline(receipt);
    expect(without.find((check) => check.name === 'digest')?.status).toBe('skipped');
    expect(receiptVerified(without)).toBe(true);
  });

  it('passes every check for each leaf of the batch, including a receipt read back from JSON', async () => {
    for (let index = 0; index < statements.length; index++) {
      const json = JSON.stringify(await buildReceipt(receiptInput(index), signer));
      expect(failing(JSON.parse(json), statements[index])).toEqual([]);
    }
  });

  it('signs SNIP-12 typed data that starknet.js verifies with the full public key', () => {
    const data = receiptTypedData({ ...receipt, digest: receipt.digest.value, ...receipt.anchor });
    const fullPublicKey = encode.addHexPrefix(encode.buf2hex(ec.starkCurve.getPublicKey(privateKey, false)));
    expect(typedData.verifyMessage(data, receipt.signature, fullPublicKey, accountAddress)).toBe(true);
    expect(receiptMessageHash(receipt)).toBe(feltToHex(BigInt(typedData.getMessageHash(data, accountAddress))));
  });

  it('fails the digest check for a statement changed in one character, or another statement', () => {
    const statement = structuredClone(statements[INDEX]);
    statement.stored = statement.stored.replace(/.Z$/, (end) => (end === '1Z' ? '2Z' : '1Z'));
    expect(failing(receipt, statement)).toEqual(['digest']);
    expect(failing(receipt, statements[0])).toEqual(['digest']);
  });

  it.each<[string, (copy: XapiStarknetAnchorReceipt) => void, string[]]>([
    ['statementId', (r) => void (r.statementId = statements[0].id), ['digest', 'signature']],
    ['digest', (r) => void (r.digest.value = statementDigest(statements[0]).hex), ['digest', 'leaf', 'signature']],
    ['leaf', (r) => void (r.leaf = tree.leaf(0)), ['leaf', 'proof']],
    ['a proof step', (r) => void (r.proof[1] = otherFelt(r.proof[1])), ['proof']],
    ['the proof length', (r) => void r.proof.pop(), ['proof']],
    ['leafIndex', (r) => void (r.leafIndex = 2), ['signature']],
    ['treeSize', (r) => void (r.treeSize = 6), ['signature']],
    ['root', (r) => void (r.root = otherFelt(r.root)), ['proof', 'signature']],
    ['batchId', (r) => void (r.batchId = '43'), ['signature']],
    ['anchor.chainId', (r) => void (r.anchor.chainId = '0x534e5f4d41494e'), ['signature']],
    ['anchor.contractAddress', (r) => void (r.anchor.contractAddress = otherFelt(anchor.contractAddress)), ['signature']],
    ['issuer.accountAddress', (r) => void (r.issuer.accountAddress = otherFelt(accountAddress)), ['signature']],
    ['issuer.publicKey', (r) => void (r.issuer.publicKey = otherFelt(r.issuer.publicKey)), ['signature']],
    ['signature r', (r) => void (r.signature[0] = otherFelt(r.signature[0])), ['signature']],
    ['signature s', (r) => void (r.signature[1] = otherFelt(r.signature[1])), ['signature']],
    ['the signature length', (r) => void r.signature.push('0x1'), ['signature']],
    ['type', (r) => void ((r as { type: string }).type = 'XapiStarknetAnchorReceipt/v2'), ['format']],
  ])('fails the right checks when %s is changed', (_, mutate, expected) => {
    expect(failing(changed(mutate), statements[INDEX])).toEqual(expected);
  });

  it.each<[string, (copy: XapiStarknetAnchorReceipt) => void]>([
    ['transactionHash', (r) => void (r.anchor.transactionHash = otherFelt(anchor.transactionHash))],
    ['blockNumber', (r) => void (r.anchor.blockNumber = 1235)],
    ['finalityStatus', (r) => void (r.anchor.finalityStatus = 'ACCEPTED_ON_L1')],
  ])('leaves anchor.%s to the on-chain check (not signed: it changes as finality advances)', (_, mutate) => {
    expect(failing(changed(mutate), statements[INDEX])).toEqual([]);
  });

  it('fails only the format check for something that is not an object', () => {
    expect(verifyReceiptOffline('receipt')).toEqual([{ name: 'format', status: 'fail', detail: expect.any(String) }]);
  });

  it.each<[string, (copy: Record<string, unknown>) => void]>([
    ['a missing proof', (r) => delete r.proof],
    ['an upper-case felt', (r) => void (r.root = (r.root as string).toUpperCase().replace('0X', '0x'))],
    ['a felt with leading zeros', (r) => void (r.leaf = `0x00${(r.leaf as string).slice(2)}`)],
    ['a felt not below the prime', (r) => void (r.root = `0x8${'0'.repeat(63)}`)],
    ['a batch id beyond u64', (r) => void (r.batchId = (2n ** 64n).toString())],
    ['a leaf index outside the tree', (r) => void (r.leafIndex = 5)],
    ['an unknown finality status', (r) => void (r.anchor = { ...anchor, finalityStatus: 'PENDING' })],
    ['a digest in upper case', (r) => void (r.digest = { ...receipt.digest, value: 'A'.repeat(64) })],
    ['a statement id that is not a UUID', (r) => void (r.statementId = 'statement-1')],
  ])('fails only the format check for %s', (_, mutate) => {
    const copy = structuredClone(receipt) as unknown as Record<string, unknown>;
    mutate(copy);
    expect(verifyReceiptOffline(copy)).toEqual([
      { name: 'format', status: 'fail', detail: expect.stringContaining('not an XapiStarknetAnchorReceipt/v1') },
    ]);
  });
});

