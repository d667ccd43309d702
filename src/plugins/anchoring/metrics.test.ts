import request from 'supertest';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from '../../../test-support/anchoring';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { InMemoryChain } from '../../../test-support/in-memory-chain';
import { sampleStatement } from '../../../test-support/statements';

/**
 * The anchoring metrics at /metrics, over HTTP, through an anchoring run on the in-memory chain:
 * batches by state, statements waiting to be anchored, the time of the last anchor, and failures.
 */
describe('anchoring metrics', () => {
  const start = new Date('2026-01-01T10:00:00.000Z');
  let now: Date;
  let chain: InMemoryChain;
  let lrs: TestLrs;
  let runJob: () => Promise<void>;

  beforeEach(async () => {
    now = start;
    chain = new InMemoryChain();
    const env = { ...TEST_STARKNET_ENV, ANCHOR_MAX_BATCH: '2' };
    lrs = await createTestLrs(env, [loadAnchoringPlugin(env, { chain, now: () => now })]);
    const job = lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')!.jobs[0]!.job;
    runJob = () => job.run();
  });

  afterEach(async () => {
    await lrs.close();
  });

  const storeStatements = (count: number) =>
    request(lrs.app)
      .post('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .send(Array.from({ length: count }, () => sampleStatement()))
      .expect(200);

  async function metric(name: string): Promise<string[]> {
    const response = await request(lrs.app).get('/metrics').expect(200);
    return response.text.split('\n').filter((line) => line.startsWith(name) && !line.startsWith(`${name}_`));
  }

  it('reports no batches and every stored statement pending before the first run', async () => {
    await storeStatements(3);
    expect(await metric('keiko_plugin_anchoring_batches')).toEqual([
      'keiko_plugin_anchoring_batches{state="recorded"} 0',
      'keiko_plugin_anchoring_batches{state="sent"} 0',
      'keiko_plugin_anchoring_batches{state="anchored"} 0',
    ]);
    expect(await metric('keiko_plugin_anchoring_pending_statements')).toEqual(['keiko_plugin_anchoring_pending_statements 3']);
    expect(await metric('keiko_plugin_anchoring_last_anchored_timestamp_seconds')).toEqual(['keiko_plugin_anchoring_last_anchored_timestamp_seconds 0']);
    expect(await metric('keiko_plugin_anchoring_failures_total')).toEqual(['keiko_plugin_anchoring_failures_total 0']);
  });

  it('counts batches by state, the statements after the last anchored one and the anchor time after a run', async () => {
    await storeStatements(3);
    await runJob(); // records and sends the first batch (2 statements)
    expect(await metric('keiko_plugin_anchoring_batches')).toContain('keiko_plugin_anchoring_batches{state="sent"} 1');
    now = new Date(start.getTime() + 60_000);
    await runJob(); // confirms it, then records and sends the next batch (the third statement) in the same run
    expect(await metric('keiko_plugin_anchoring_batches')).toEqual([
      'keiko_plugin_anchoring_batches{state="recorded"} 0',
      'keiko_plugin_anchoring_batches{state="sent"} 1',
      'keiko_plugin_anchoring_batches{state="anchored"} 1',
    ]);
    expect(await metric('keiko_plugin_anchoring_pending_statements')).toEqual(['keiko_plugin_anchoring_pending_statements 1']);
    expect(await metric('keiko_plugin_anchoring_last_anchored_timestamp_seconds')).toEqual([
      `keiko_plugin_anchoring_last_anchored_timestamp_seconds ${now.getTime() / 1000}`,
    ]);
  });

  it('counts a failed send', async () => {
    await storeStatements(1);
    chain.failNextSends = 1;
    await runJob();
    expect(await metric('keiko_plugin_anchoring_failures_total')).toEqual(['keiko_plugin_anchoring_failures_total 1']);
    expect(await metric('keiko_plugin_anchoring_batches')).toContain('keiko_plugin_anchoring_batches{state="recorded"} 1');
  });
});
