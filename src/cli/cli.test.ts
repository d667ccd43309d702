import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ec, encode } from 'starknet';
import { ensureBuilt, runKeiko } from '../../test-support/keiko-cli';
import { freePort } from '../../test-support/net';
import { sampleStoredStatement } from '../../test-support/statements';
import { digestBytes, statementDigest } from '../plugins/anchoring/core/digest';
import { MerkleTree } from '../plugins/anchoring/core/merkle';
import { buildReceipt, receiptSignerFromPrivateKey } from '../plugins/anchoring/core/receipt';
import { EXIT } from './exit-codes';

/** The compiled `keiko` command as a child process: its parsing, its output streams and its exit codes. */

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-cli-'));
  const statements = Array.from({ length: 3 }, sampleStoredStatement);
  const tree = MerkleTree.fromDigests(statements.map((statement) => digestBytes(statement)));
  const signer = receiptSignerFromPrivateKey(`0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`, '0x64b48806902a367c8598f4f95c305e8c1a1acba5f082d294a43793113115691');
  const receipt = await buildReceipt(
    {
      statementId: statements[1]!.id,
      digest: statementDigest(statements[1]!).hex,
      leafIndex: 1,
      treeSize: 3,
      proof: tree.proof(1),
      root: tree.root,
      batchId: 7n,
      anchor: { chainId: '0x534e5f5345504f4c4941', contractAddress: '0xc0ffee', classHash: '0xc1a55', transactionHash: '0x7a', blockNumber: 9, blockHash: '0xb10c', finalityStatus: 'ACCEPTED_ON_L2' },
      lrs: 'https://lrs.example.org',
    },
    signer,
  );
  await writeFile(file('receipt.json'), JSON.stringify(receipt));
  await writeFile(file('statement.json'), JSON.stringify(statements[1]));
  await writeFile(file('tampered.json'), JSON.stringify({ ...statements[1], verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } }));
  await writeFile(file('not-json.json'), '{"type": "XapiStarknetAnchorReceipt/v1",');
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keiko (parsing and exit codes)', () => {
  it.each([[['--help']], [['credentials', '--help']], [['import', '--help']], [['verify', 'receipt', '--help']], [['help', 'migrate']]])(
    'prints help on stdout and exits 0: keiko %j',
    async (args) => {
      const result = await runKeiko(args);
      expect(result.stdout).toMatch(/^Usage: keiko/);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(EXIT.ok);
    },
  );

  it('names every command and the exit codes in its help', async () => {
    const { stdout } = await runKeiko(['--help']);
    for (const command of ['start', 'credentials', 'migrate', 'plugins', 'verify', 'import']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(stdout).toMatch(/Exit codes: 0 ok\/verified, 1 failed\/not verified, 2 bad input or usage,\s+3 cannot confirm .*, 4 cannot read/s);
  });

  it('prints its version and exits 0', async () => {
    const result = await runKeiko(['--version']);
    expect(result.stdout.trim()).toBe(require('../../package.json').version);
    expect(result.code).toBe(EXIT.ok);
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['bogus'], /unknown command 'bogus'/],
    [['credentials', 'create'], /required option '--name <name>' not specified/],
    [['credentials', 'create', '--name', 'X', '--scopes', 'statements/everything'], /statements\/everything/],
    [['credentials', 'revoke'], /missing required argument 'key'/],
    [['verify', 'receipt'], /missing required argument 'receipt'/],
    [['import', 'file.json', '--batch-size', 'many'], /must be a whole number/],
  ])('says what is wrong on stderr and exits 2 for bad usage: keiko %j', async (args, message) => {
    const result = await runKeiko(args);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(EXIT.badInput);
  });
});

describe('keiko verify receipt (and keiko-verify)', () => {
  it('verifies a receipt with its statement offline: exit 0', async () => {
    const result = await runKeiko(['verify', 'receipt', file('receipt.json'), file('statement.json')]);
    expect(result.stdout).toMatch(/^digest:\s+PASS/m);
    expect(result.stdout).toMatch(/^signature:\s+PASS/m);
    expect(result.stdout).toMatch(/^root on chain: not checked \(no --rpc\)$/m);
    expect(result.stdout).toMatch(/^VERIFIED offline/m);
    expect(result.code).toBe(EXIT.ok);
  });

  it('does not verify a receipt against a changed statement: exit 1', async () => {
    const result = await runKeiko(['verify', 'receipt', file('receipt.json'), file('tampered.json')]);
    expect(result.stdout).toMatch(/^digest:\s+FAIL\s+sha-256 of the statement's JCS is [0-9a-f]{64}, not the receipt's/m);
    expect(result.stdout).toMatch(/^NOT VERIFIED$/m);
    expect(result.code).toBe(EXIT.failed);
  });

  it('cannot confirm when the Starknet node does not answer: exit 3, one line on it, no stack trace', async () => {
    const closed = await freePort();
    const result = await runKeiko(['verify', 'receipt', file('receipt.json'), file('statement.json'), '--rpc', `http://127.0.0.1:${closed}/rpc`]);
    expect(result.stdout).toMatch(new RegExp(`^root on chain:\\s+UNKNOWN the Starknet node at http://127.0.0.1:${closed}/rpc did not answer`, 'm'));
    expect(result.stdout).toMatch(/^CANNOT CONFIRM/m);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
    expect(result.code).toBe(EXIT.cannotConfirm);
  });

  it('cannot read a missing file: exit 4; a file that is not JSON is bad input: exit 2', async () => {
    const missing = await runKeiko(['verify', 'receipt', file('missing.json')]);
    expect(missing.stderr).toMatch(/^Error: cannot read the receipt .*missing\.json: .*ENOENT/m);
    expect(missing.code).toBe(EXIT.cannotRead);
    const notJson = await runKeiko(['verify', 'receipt', file('receipt.json'), file('not-json.json')]);
    expect(notJson.stderr).toMatch(/^Error: the statement .*not-json\.json is not JSON/m);
    expect(notJson.code).toBe(EXIT.badInput);
  });

  it('keiko-verify runs the same code, and its --help exits 0 on stdout', async () => {
    const verified = await runKeiko([file('receipt.json'), file('statement.json')], { bin: 'keiko-verify.js' });
    expect(verified.stdout).toMatch(/^VERIFIED offline/m);
    expect(verified.code).toBe(EXIT.ok);
    const help = await runKeiko(['--help'], { bin: 'keiko-verify.js' });
    expect(help.stdout).toMatch(/^Usage: keiko verify receipt \[options\] <receipt> \[statement\]/);
    expect(help.code).toBe(EXIT.ok);
  });
});

describe('keiko credentials', () => {
  it('creates, lists and revokes credentials in the SQLite database under DATA_DIR', async () => {
    const env = { DATA_DIR: path.join(dir, 'data') };
    expect((await runKeiko(['credentials', 'list'], { env })).stdout).toBe('No credentials.\n');
    const created = await runKeiko(['credentials', 'create', '--name', 'Moodle', '--scopes', 'statements/write,statements/read', '--key', 'moodle'], { env });
    expect(created.stdout).toMatch(/^Created credential "Moodle" with scopes statements\/write, statements\/read\nkey: +moodle\nsecret: +\S{16,}\n/);
    expect(created.code).toBe(EXIT.ok);
    const listed = await runKeiko(['credentials', 'list'], { env });
    expect(listed.stdout).toMatch(/^KEY\s+NAME\s+SCOPES\s+STATUS\s+CREATED\s+HOMEPAGE\nmoodle\s+Moodle\s+statements\/write,statements\/read\s+active\s+\S+\s+http:\/\/\S+\/$/m);
    expect((await runKeiko(['credentials', 'revoke', 'moodle'], { env })).code).toBe(EXIT.ok);
    const again = await runKeiko(['credentials', 'revoke', 'moodle'], { env });
    expect(again.stderr).toMatch(/No active credential with key moodle/);
    expect(again.code).toBe(EXIT.failed);
    expect((await runKeiko(['credentials', 'list'], { env })).stdout).toMatch(/^moodle\s+Moodle\s+\S+\s+revoked \d{4}-/m);
  });

  it('refuses an invalid key or secret as bad input (exit 2), storing nothing', async () => {
    const env = { DATA_DIR: path.join(dir, 'data') };
    const result = await runKeiko(['credentials', 'create', '--name', 'X', '--key', 'a:b'], { env });
    expect(result.stderr).toMatch(/^Error: Invalid credential: the key must be/);
    expect(result.code).toBe(EXIT.badInput);
    expect((await runKeiko(['credentials', 'list'], { env })).stdout).not.toMatch(/^a:b/m);
  });

  it('cannot read a DATA_DIR that is not a directory: exit 4, one line', async () => {
    const result = await runKeiko(['credentials', 'list'], { env: { DATA_DIR: file('receipt.json') } });
    expect(result.stderr).toMatch(/^Error: .*receipt\.json/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.code).toBe(EXIT.cannotRead);
  });

  it('refuses invalid settings as bad input: exit 2', async () => {
    const result = await runKeiko(['credentials', 'list'], { env: { DATA_DIR: path.join(dir, 'data'), PORT: 'eighty' } });
    expect(result.stderr).toMatch(/PORT/);
    expect(result.code).toBe(EXIT.badInput);
  });
});
