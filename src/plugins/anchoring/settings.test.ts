import { expectDocumentedForOperators, settingNamesIn } from '../../../test-support/deployment-settings';
import { explorerTransactionUrl, readAnchoringSettings } from './settings';

const STARKNET = {
  STARKNET_RPC_URL: 'http://127.0.0.1:5050/rpc',
  STARKNET_ACCOUNT_ADDRESS: '0x1',
  STARKNET_PRIVATE_KEY: '0x2',
  STARKNET_CONTRACT_ADDRESS: '0x3',
};

describe('anchoring settings', () => {
  it('default to every 10 minutes, batches of at most 10,000, and anchoring off', () => {
    expect(readAnchoringSettings({})).toEqual({ settings: { cron: '*/10 * * * *', maxBatch: 10_000 }, problems: [] });
  });

  it('take ANCHOR_CRON and ANCHOR_MAX_BATCH, trimmed', () => {
    const { settings, problems } = readAnchoringSettings({ ANCHOR_CRON: ' */2 * * * * * ', ANCHOR_MAX_BATCH: '50' });
    expect(problems).toEqual([]);
    expect(settings).toEqual({ cron: '*/2 * * * * *', maxBatch: 50 });
  });

  it('turn anchoring on only with every Starknet setting', () => {
    expect(readAnchoringSettings(STARKNET)).toEqual({
      settings: {
        cron: '*/10 * * * *',
        maxBatch: 10_000,
        starknet: { rpcUrl: 'http://127.0.0.1:5050/rpc', accountAddress: '0x1', privateKey: '0x2', contractAddress: '0x3' },
      },
      problems: [],
    });
    const { settings, problems } = readAnchoringSettings({ STARKNET_RPC_URL: 'http://127.0.0.1:5050/rpc', STARKNET_PRIVATE_KEY: ' ' });
    expect(settings.starknet).toBeUndefined();
    expect(problems).toEqual([
      'Anchoring needs all of STARKNET_RPC_URL, STARKNET_ACCOUNT_ADDRESS, STARKNET_PRIVATE_KEY, STARKNET_CONTRACT_ADDRESS; missing STARKNET_ACCOUNT_ADDRESS, STARKNET_PRIVATE_KEY, STARKNET_CONTRACT_ADDRESS',
    ]);
  });

  it('list every problem at once, each naming its setting', () => {
    const { problems } = readAnchoringSettings({
      ...STARKNET,
      STARKNET_PRIVATE_KEY: 'secret',
      STARKNET_CONTRACT_ADDRESS: '0x' + 'f'.repeat(65),
      ANCHOR_CRON: 'every ten minutes',
      ANCHOR_MAX_BATCH: '0',
    });
    expect(problems).toEqual([
      'ANCHOR_CRON must be a cron expression such as "*/10 * * * *", got "every ten minutes"',
      'ANCHOR_MAX_BATCH must be an integer from 1 to 1000000, got "0"',
      'STARKNET_PRIVATE_KEY must be a 0x-prefixed hex felt',
      'STARKNET_CONTRACT_ADDRESS must be a 0x-prefixed hex felt',
    ]);
  });

  it.each(['1.5', '-3', '1e3', '1000001'])('refuse ANCHOR_MAX_BATCH=%s', (value) => {
    expect(readAnchoringSettings({ ANCHOR_MAX_BATCH: value }).problems).toEqual([`ANCHOR_MAX_BATCH must be an integer from 1 to 1000000, got "${value}"`]);
  });

  it('take a block explorer\'s transaction page with {tx} for the hash, STARKNET_EXPLORER_TX_URL', () => {
    const { settings, problems } = readAnchoringSettings({ STARKNET_EXPLORER_TX_URL: ' https://sepolia.voyager.online/tx/{tx} ' });
    expect(problems).toEqual([]);
    expect(settings.explorerTxUrl).toBe('https://sepolia.voyager.online/tx/{tx}');
    expect(explorerTransactionUrl(settings.explorerTxUrl, '0xabc')).toBe('https://sepolia.voyager.online/tx/0xabc');
    expect(explorerTransactionUrl(undefined, '0xabc')).toBeUndefined();
  });

  it.each([
    ['sepolia.voyager.online/tx/{tx}', 'STARKNET_EXPLORER_TX_URL must be an http(s) URL, got "sepolia.voyager.online/tx/{tx}"'],
    ['https://sepolia.voyager.online/tx/', 'STARKNET_EXPLORER_TX_URL must contain {tx} where the transaction hash goes, got "https://sepolia.voyager.online/tx/"'],
  ])('refuse STARKNET_EXPLORER_TX_URL=%s', (value, problem) => {
    expect(readAnchoringSettings({ STARKNET_EXPLORER_TX_URL: value }).problems).toEqual([problem]);
  });
});

describe('the anchoring settings in the deployment files', () => {
  const names = settingNamesIn('src/plugins/anchoring/settings.ts', /(?:STARKNET|ANCHOR)_[A-Z_]+/);

  it('are found in settings.ts (sanity check of the search)', () => {
    expect(names).toEqual(expect.arrayContaining(['ANCHOR_CRON', 'ANCHOR_MAX_BATCH', 'STARKNET_RPC_URL', 'STARKNET_CONTRACT_ADDRESS', 'STARKNET_EXPLORER_TX_URL']));
  });

  it('are each in the README\'s configuration table, in .env.example and passed through by docker-compose.yml', () => {
    expectDocumentedForOperators(names);
  });
});
