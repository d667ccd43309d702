import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildLrs } from '../test-support/child-lrs';
import { freePort } from '../test-support/net';

/** The LRS as started by `npm start`, configured by nothing but a .env file. */
describe('an LRS configured by a .env file alone', () => {
  let dir: string;
  let lrs: ChildProcess | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-dotenv-'));
  });

  afterEach(async () => {
    if (lrs && lrs.exitCode === null) {
      const exited = new Promise((resolve) => lrs!.once('exit', resolve));
      lrs.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on its PORT, keeps its data in its DATA_DIR and accepts its admin credential', async () => {
    const port = await freePort();
    const envFile = path.join(dir, 'keiko.env');
    const dataDir = path.join(dir, 'data');
    fs.writeFileSync(
      envFile,
      `# settings of a test LRS\nPORT=${port}\nDATA_DIR="${dataDir}"\nLRS_ADMIN_KEY=dotenv-admin\nLRS_ADMIN_SECRET='dotenv admin secret'\n`,
    );

    lrs = await startChildLrs('src/main.ts', { ENV_FILE: envFile }, String(port));

    const response = await fetch(`http://127.0.0.1:${port}/xapi/statements?limit=1`, {
      headers: {
        authorization: `Basic ${Buffer.from('dotenv-admin:dotenv admin secret').toString('base64')}`,
        'x-experience-api-version': '1.0.3',
      },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ statements: [], more: '' });
    expect(fs.readdirSync(dataDir)).toContain('keiko-lrs.db');
  });
});
