/**
 * The import graph's rules (.dependency-cruiser.cjs; issue 9 §1): the core never imports a plugin,
 * a plugin imports only the plugin API and its own folder, and no plugin imports a database driver.
 * Checked on the real source, and on a small tree that breaks each rule, so the check can fail.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const DEPCRUISE = path.join(ROOT, 'node_modules/.bin/depcruise');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

interface CruiseResult {
  summary: { violations: Array<{ from: string; to: string; rule: { name: string } }> };
}

async function cruise(cwd: string): Promise<CruiseResult['summary']['violations']> {
  const { stdout } = await promisify(execFile)(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return (JSON.parse(stdout) as CruiseResult).summary.violations;
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
}

describe('the import graph', () => {
  it('has no violation in the source', async () => {
    expect(await cruise(ROOT)).toEqual([]);
  }, 60_000);

  it('reports a core module importing a plugin, a plugin reaching past the plugin API, and a driver in a plugin', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-import-graph-'));
    try {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
      writeTree(root, {
        'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', esModuleInterop: true } }),
        'src/app.ts': "import plugin from './plugins/counter';\nexport default plugin;\n",
        'src/errors.ts': 'export class HttpError extends Error {}\n',
        'src/plugin-api/index.ts': 'export const api = 1;\n',
        'src/plugins/counter/index.ts':
          "import { api } from '../../plugin-api';\nimport { HttpError } from '../../errors';\nimport { helper } from './helper';\nimport { other } from '../other';\nimport { MongoClient } from 'mongodb';\nexport default { api, HttpError, helper, other, MongoClient };\n",
        'src/plugins/counter/helper.ts': 'export const helper = 1;\n',
        'src/plugins/other/index.ts': 'export const other = 1;\n',
      });
      // node_modules is a symbolic link here, so a package resolves to its real path: keep its tail.
      const violations = (await cruise(root)).map(
        (violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to.replace(/^.*node_modules\//, 'node_modules/')}`,
      );
      expect(violations.sort()).toEqual([
        'core-imports-no-plugin: src/app.ts -> src/plugins/counter/index.ts',
        'plugin-imports-no-database-driver: src/plugins/counter/index.ts -> node_modules/mongodb/lib/index.js',
        'plugin-uses-only-the-plugin-api: src/plugins/counter/index.ts -> src/errors.ts',
        'plugin-uses-only-the-plugin-api: src/plugins/counter/index.ts -> src/plugins/other/index.ts',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
