import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { freePort } from '../../../test-support/net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Contract, RpcProvider } from 'starknet';
import request from 'supertest';
import { loadAnchoringPlugin, openAnchorBatchStore } from '../../../test-support/anchoring';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { keikoToolsDir, requiring } from '../../../test-support/requirements';
import { sampleStatement } from '../../../test-support/statements';
import type { PluginJob } from '../../plugin-api';
import type { AnchorBatchStore } from './batches/anchor-batch-store';
import { deployRegistry, devnetBinary, startDevnet, type Devnet } from './chain/devnet';

/**
 * End to end on a real starknet-devnet 0.8.1: statements stored over HTTP are anchored by the
 * plugin's job, their receipts verify through the API (at /plugins/anchoring), the stand-alone
 * CLI and the contract's `verify`.
 * Needs devnet (scripts/install-starknet-tools.sh) and the committed contract artifacts.
 */
const binary = devnetBinary(keikoToolsDir());
jest.setTimeout(180_000);
const withDevnet = requiring({ needs: 'starknet-devnet 0.8.1', present: binary !== undefined, install: 'scripts/install-starknet-tools.sh' });

withDevnet.describe('anchoring on starknet-devnet', () => {
  let devnet: Devnet;
  let lrs: TestLrs;
  let anchoring: PluginJob;
  let batches: AnchorBatchStore;
  let contractAddress: string;

  let devnetPort: number;
  let dumpPath: string;

  beforeAll(async () => {
    devnetPort = await freePort();
    dumpPath = path.join(await mkdtemp(path.join(os.tmpdir(), 'keiko-devnet-')), 'state.json');
    devnet = await startDevnet({ binary: binary!, port: devnetPort, dumpPath });
    const owner = devnet.accounts[0]!;
    contractAddress = (await deployRegistry(devnet.rpcUrl, owner)).address;
    const env = {
      STARKNET_RPC_URL: devnet.rpcUrl,
      STARKNET_ACCOUNT_ADDRESS: owner.address,
      STARKNET_PRIVATE_KEY: owner.privateKey,
      STARKNET_CONTRACT_ADDRESS: contractAddress,
      ANCHOR_MAX_BATCH: '50',
    };
    lrs = await createTestLrs(env, [loadAnchoringPlugin(env)]);
    anchoring = lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')!.jobs.find((entry) => entry.name === 'anchor')!.job;
    batches = await openAnchorBatchStore(lrs.storage.collections);
  });
  afterAll(async () => {
    await lrs?.close();
    await devnet?.stop();
    await rm(path.dirname(dumpPath), { recursive: true, force: true });
  });

  it('anchors stored statements and issues receipts that verify by API, CLI and contract', async () => {
    const xapi = (test: request.Test) => test.set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    const ids = (await xapi(request(lrs.app).post('/xapi/statements')).send([sampleStatement(), sampleStatement(), sampleStatement()]).expect(200))
      .body as string[];
    await xapi(request(lrs.app).get(`/plugins/anchoring/receipts/${ids[0]}`)).expect(404);
    await anchoring.run(); // records and sends
    await waitFor(async () => {
      await anchoring.run(); // confirms
      return (await batches.latest())?.state === 'anchored';
    });

    const receipt = (await xapi(request(lrs.app).get(`/plugins/anchoring/receipts/${ids[1]}`)).expect(200)).body;
    const statement = (await xapi(request(lrs.app).get(`/xapi/statements?statementId=${ids[1]}`)).expect(200)).body;
    const verified = (await request(lrs.app).post('/plugins/anchoring/verify').send({ receipt, statement }).expect(200)).body;
    expect(verified.verified).toBe(true);
    expect(verified.checks.map((check: { name: string }) => check.name)).toContain('root-on-chain');

    const tampered = { ...statement, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
    const refused = (await request(lrs.app).post('/plugins/anchoring/verify').send({ receipt, statement: tampered }).expect(200)).body;
    expect(refused.verified).toBe(false);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-receipt-'));
    try {
      await writeFile(path.join(dir, 'receipt.json'), JSON.stringify(receipt));
      await writeFile(path.join(dir, 'statement.json'), JSON.stringify(statement));
      const cli = path.resolve(__dirname, '../../../bin/keiko-verify.js');
      const { stdout } = await promisify(execFile)(process.execPath, [cli, path.join(dir, 'receipt.json'), path.join(dir, 'statement.json'), '--rpc', devnet.rpcUrl]);
      expect(stdout).toMatch(/VERIFIED/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const provider = new RpcProvider({ nodeUrl: devnet.rpcUrl });
    const { abi } = await provider.getClassAt(contractAddress);
    const registry = new Contract({ abi, address: contractAddress, providerOrAccount: provider });
    expect(await registry.verify(BigInt(receipt.batchId), receipt.leaf, receipt.proof)).toBe(true);
  });

  it('keeps the batch through a devnet outage and anchors it once when the chain is back', async () => {
    const xapi = (test: request.Test) => test.set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    await xapi(request(lrs.app).post('/xapi/statements')).send([sampleStatement(), sampleStatement()]).expect(200);
    await devnet.stop(); // the chain goes away (its state dumped on exit)
    await anchoring.run(); // records the batch, fails to send
    const recorded = (await batches.latest())!;
    expect(recorded).toMatchObject({ state: 'recorded', attempts: 1 });

    devnet = await startDevnet({ binary: binary!, port: devnetPort, dumpPath }); // back, with its state
    await batches.update(recorded.seq, { nextAttemptAt: new Date() }); // skip the backoff wait
    await anchoring.run(); // sends
    await waitFor(async () => {
      await anchoring.run();
      return (await batches.get(recorded.seq))?.state === 'anchored';
    });
    const anchored = (await batches.get(recorded.seq))!;
    expect(anchored.anchor!.onChainBatchId).toBe('1'); // the first batch of the previous test is 0
    const provider = new RpcProvider({ nodeUrl: devnet.rpcUrl });
    const [count] = await provider.callContract({ contractAddress, entrypoint: 'batch_count', calldata: [] });
    expect(BigInt(count!)).toBe(2n);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

