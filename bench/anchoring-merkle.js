'use strict';
/**
 * Anchoring benchmark: receipts' worth of hashing for one batch — the statement digests
 * (RFC 8785 canonical JSON + SHA-256), the Poseidon Merkle tree, and every leaf's proof as the
 * receipts hold it (hex felts) — for COUNT realistic stored statements (about 1.35 KB each,
 * bench/statements.js plus the id, stored, authority and version the LRS sets). The target
 * (issue 5) is under 10 s for 100,000 statements on the project's 2-core machine.
 *
 *   npm run build && node bench/anchoring-merkle.js [--count N] [--runs N] [--sign N]
 *
 *   --count N   statements in the batch (default 100000)
 *   --runs N    timed runs, after one untimed warm-up of 1,000 statements (default 3)
 *   --sign N    also time building and signing N receipts (default 200); receipts are signed
 *               one by one, when asked for, so this is reported per receipt
 *
 * Wall and CPU time are both printed: on a shared machine the wall time includes waiting for
 * the CPU, the CPU time does not.
 */
const { randomUUID } = require('node:crypto');
const { ec, encode } = require('starknet');

const { digestBytes, statementDigest } = require('../dist/plugins/anchoring/core/digest');
const { MerkleTree } = require('../dist/plugins/anchoring/core/merkle');
const { buildReceipt, receiptSignerFromPrivateKey } = require('../dist/plugins/anchoring/core/receipt');
const { makeStatement, seededRandom } = require('./statements');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const COUNT = option('count', 100_000);
const RUNS = option('runs', 3);
const SIGN = option('sign', 200);

function storedStatements(count, random) {
  const stored = Date.parse('2024-05-01T10:00:00.000Z');
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    ...makeStatement({ random }).statement,
    stored: new Date(stored + i).toISOString(),
    authority: { objectType: 'Agent', name: 'Bench client', account: { homePage: 'https://lrs.example.org', name: 'bench' } },
    version: '1.0.3',
  }));
}

/** Runs fn, returning its result with the wall and CPU milliseconds it took. */
function timed(fn) {
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const result = fn();
  const cpu = process.cpuUsage(cpuStart);
  return { result, wall: Number(process.hrtime.bigint() - wallStart) / 1e6, cpu: (cpu.user + cpu.system) / 1000 };
}

function batch(statements) {
  const digests = timed(() => statements.map((statement) => digestBytes(statement)));
  const tree = timed(() => MerkleTree.fromDigests(digests.result));
  const proofs = timed(() => {
    let steps = 0;
    for (let index = 0; index < tree.result.size; index++) steps += tree.result.proof(index).length;
    return steps;
  });
  return { digests, tree, proofs, steps: proofs.result, root: tree.result.root };
}

function seconds(ms) {
  return (ms / 1000).toFixed(2).padStart(6);
}

function report(label, { wall, cpu }) {
  console.log(`  ${label.padEnd(28)} wall ${seconds(wall)} s   cpu ${seconds(cpu)} s`);
}

async function signing(statements, count) {
  const tree = MerkleTree.fromDigests(statements.slice(0, count).map((statement) => digestBytes(statement)));
  const privateKey = `0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`;
  const signer = receiptSignerFromPrivateKey(privateKey, '0x1234');
  const anchor = {
    chainId: '0x534e5f5345504f4c4941',
    contractAddress: '0x1',
    classHash: '0x2',
    transactionHash: '0x3',
    blockNumber: 1,
    blockHash: '0x4',
    finalityStatus: 'ACCEPTED_ON_L2',
  };
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index++) {
    const input = {
      statementId: statements[index].id,
      digest: statementDigest(statements[index]).hex,
      leafIndex: index,
      treeSize: count,
      proof: tree.proof(index),
      root: tree.root,
      batchId: 1n,
      anchor,
      lrs: 'https://lrs.example.org',
    };
    await buildReceipt(input, signer);
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / count;
}

async function main() {
  const random = seededRandom(5);
  batch(storedStatements(1000, random));
  const statements = storedStatements(COUNT, random);
  const bytes = statements.reduce((sum, statement) => sum + JSON.stringify(statement).length, 0);
  console.log(`Anchoring: ${COUNT} statements, ${Math.round(bytes / COUNT)} bytes of JSON each on average`);
  for (let run = 1; run <= RUNS; run++) {
    const result = batch(statements);
    const total = ['digests', 'tree', 'proofs'].reduce(
      (sum, phase) => ({ wall: sum.wall + result[phase].wall, cpu: sum.cpu + result[phase].cpu }),
      { wall: 0, cpu: 0 },
    );
    console.log(`run ${run}: root ${result.root}, ${result.steps} proof steps`);
    report('digests (JCS + SHA-256)', result.digests);
    report('tree (Poseidon)', result.tree);
    report('proofs (hex felts)', result.proofs);
    report('total', total);
  }
  const memory = process.memoryUsage();
  console.log(`memory: rss ${Math.round(memory.rss / 2 ** 20)} MiB, heap used ${Math.round(memory.heapUsed / 2 ** 20)} MiB`);
  if (SIGN > 0) {
    const perReceipt = await signing(statements, SIGN);
    console.log(`building and signing one receipt (SNIP-12 + ECDSA): ${perReceipt.toFixed(2)} ms`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
