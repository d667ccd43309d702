import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { StarknetAnchorChain } from './starknet-anchor-chain';

/**
 * The tip estimate's "Insufficient transaction data" warning, which starknet.js writes to the
 * console, is told in the LRS's log instead: against a JSON-RPC node whose recent blocks hold no
 * transactions (a fresh devnet).
 */
describe('StarknetAnchorChain tip estimate', () => {
  let server: http.Server;
  let rpcUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { id, method } = JSON.parse(body) as { id: number; method: string };
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(method === 'starknet_getBlockWithTxs' ? { jsonrpc: '2.0', id, result: emptyBlock() } : { jsonrpc: '2.0', id, error: { code: -32601, message: `no ${method} here` } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('tips 0 and says so in the log at debug, writing nothing to the console', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const chain = new StarknetAnchorChain({ rpcUrl, accountAddress: '0x3456', privateKey: '0x1234567890abcdef', contractAddress: '0x1234' }, logger);
      expect(await chain.recommendedTip()).toBe(0n);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string; tippedTransactions: number });
    expect(logged).toEqual([expect.objectContaining({ level: 20, tippedTransactions: 0, msg: expect.stringContaining('tipping 0') })]);
  });
});

function emptyBlock(): Record<string, unknown> {
  return {
    status: 'ACCEPTED_ON_L2',
    block_hash: '0x1',
    parent_hash: '0x0',
    block_number: 2,
    new_root: '0x0',
    timestamp: 1_700_000_000,
    sequencer_address: '0x0',
    l1_gas_price: { price_in_fri: '0x1', price_in_wei: '0x1' },
    l2_gas_price: { price_in_fri: '0x1', price_in_wei: '0x1' },
    l1_data_gas_price: { price_in_fri: '0x1', price_in_wei: '0x1' },
    l1_da_mode: 'BLOB',
    starknet_version: '0.14.0',
    transactions: [],
  };
}
