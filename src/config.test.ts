import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, '/srv/keiko');
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: '/srv/keiko/data', dbName: 'keiko', statementsPageSize: 100 });
    expect(config.admin).toBeUndefined();
    expect(config.anchoring).toEqual({ cron: '*/10 * * * *', maxBatch: 10_000 });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LRS_ADMIN_KEY: 'admin', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/LRS_ADMIN_KEY and LRS_ADMIN_SECRET/);
    expect(problems).toMatch(/MONGODB_URI/);
    expect(problems).toMatch(/LOG_LEVEL/);
  });

  it('turns anchoring on only with every Starknet setting, and checks their form', () => {
    const starknet = {
      STARKNET_RPC_URL: 'http://127.0.0.1:5050/rpc',
      STARKNET_ACCOUNT_ADDRESS: '0x1',
      STARKNET_PRIVATE_KEY: '0x2',
      STARKNET_CONTRACT_ADDRESS: '0x3',
    };
    expect(loadConfig(starknet).anchoring.starknet).toEqual({
      rpcUrl: 'http://127.0.0.1:5050/rpc',
      accountAddress: '0x1',
      privateKey: '0x2',
      contractAddress: '0x3',
    });
    expect(() => loadConfig({ STARKNET_RPC_URL: 'http://127.0.0.1:5050/rpc' })).toThrow(/missing STARKNET_ACCOUNT_ADDRESS/);
    expect(() => loadConfig({ ...starknet, STARKNET_PRIVATE_KEY: 'secret' })).toThrow(/STARKNET_PRIVATE_KEY must be/);
    expect(() => loadConfig({ ANCHOR_CRON: 'every ten minutes' })).toThrow(/ANCHOR_CRON must be a cron expression/);
  });
});
