import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning, stopsWithin } from '../../../test-support/child-lrs';
import { freePort } from '../../../test-support/net';
import { requiring } from '../../../test-support/requirements';

const ROOT = path.resolve(__dirname, '../../..');
const BUILT_DEVNET = path.join(ROOT, 'dist/plugins/anchoring/chain/devnet.js');

/**
 * A starknet-devnet stand-in that starts like devnet (`/is_alive`, its predeployed accounts) and
 * refuses every other JSON-RPC call, so deploying AnchorRegistry on it fails. It writes its pid.
 */
const FAKE_DEVNET = (pidFile: string) => `#!${process.execPath}
const http = require('node:http');
const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
process.on('SIGINT', () => process.exit(0));
http.createServer((req, res) => {
  if (req.url === '/is_alive') return res.end('Alive!!!');
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { id, method } = JSON.parse(body || '{}');
    res.setHeader('Content-Type', 'application/json');
    const accounts = [{ address: '0x1', private_key: '0x2', public_key: '0x3' }];
    if (method === 'devnet_getPredeployedAccounts') return res.end(JSON.stringify({ jsonrpc: '2.0', id, result: accounts }));
    res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: 'not on this fake devnet: ' + method } }));
  });
}).listen(port, '127.0.0.1');
`;

/** `npm run devnet` (scripts/devnet.js, which runs the built code) when the deployment fails. */
requiring({ needs: 'the built LRS in dist/', present: fs.existsSync(BUILT_DEVNET), install: 'npm run build' }).it(
  'npm run devnet stops devnet and exits 1 when deploying AnchorRegistry fails',
  async () => {
    const toolsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-devnet-script-'));
    const pidFile = path.join(toolsDir, 'devnet.pid');
    try {
      const bin = path.join(toolsDir, 'starknet', 'devnet-0.8.1', 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, 'starknet-devnet'), FAKE_DEVNET(pidFile), { mode: 0o755 });
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, KEIKO_TOOLS_DIR: toolsDir, DEVNET_PORT: String(await freePort()) };
      const { code, stderr } = await run(process.execPath, [path.join(ROOT, 'scripts/devnet.js')], env);
      expect(stderr).toContain('devnet failed:');
      expect(stderr).toContain('not on this fake devnet');
      expect(code).toBe(1);
      const devnetPid = Number(fs.readFileSync(pidFile, 'utf8'));
      expect(await stopsWithin(devnetPid, 5_000)).toBe(true);
    } finally {
      killIfRunning(pidFile);
      fs.rmSync(toolsDir, { recursive: true, force: true });
    }
  },
  60_000,
);

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Cleans up after a failure: the stand-in, when the script left it running. */
function killIfRunning(pidFile: string): void {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  if (isRunning(pid)) process.kill(pid, 'SIGKILL');
}
