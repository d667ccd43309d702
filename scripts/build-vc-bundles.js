#!/usr/bin/env node
'use strict';
/**
 * Bundles the Verifiable Credentials libraries (ESM only, which jest's CommonJS require cannot load)
 * for the passport plugin's credentials (src/plugins/passport/credentials/bundle/):
 *   generated/vc-node.cjs      CommonJS for Node: the LRS, the CLI and ts-jest require it
 *   generated/verify-browser.js ESM for the share page (served under script-src 'self')
 * Outputs are git-ignored and rebuilt only when their inputs change (package-lock.json, the entry
 * folder, this script): `npm run build` runs this before tsc (copy-assets puts them in dist/), and
 * jest's global setup runs it for tests. Writes are atomic, so concurrent runs are harmless.
 *
 *   node scripts/build-vc-bundles.js          build when stale
 *   node scripts/build-vc-bundles.js --force  build anyway
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CREDENTIALS = path.join(ROOT, 'src', 'plugins', 'passport', 'credentials');
const ENTRIES = path.join(CREDENTIALS, 'bundle');
const OUT = path.join(CREDENTIALS, 'generated');
const STAMP = path.join(OUT, 'inputs.sha256');
const NODE_BUNDLE = path.join(OUT, 'vc-node.cjs');
const BROWSER_BUNDLE = path.join(OUT, 'verify-browser.js');

function inputsHash() {
  const hash = crypto.createHash('sha256');
  const files = [path.join(ROOT, 'package-lock.json'), __filename, ...fs.readdirSync(ENTRIES).sort().map((name) => path.join(ENTRIES, name))];
  for (const file of files) hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function isFresh(hash) {
  try {
    return fs.readFileSync(STAMP, 'utf8').trim() === hash && fs.existsSync(NODE_BUNDLE) && fs.existsSync(BROWSER_BUNDLE);
  } catch {
    return false;
  }
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

async function bundle(esbuild, options) {
  const result = await esbuild.build({ bundle: true, write: false, logLevel: 'warning', legalComments: 'eof', ...options });
  return result.outputFiles[0].contents;
}

async function build() {
  // Required here, not at the top: where the bundles are fresh (or esbuild is pruned away) none is needed.
  const esbuild = require('esbuild');
  const node = await bundle(esbuild, {
    entryPoints: [path.join(ENTRIES, 'node-entry.mjs')],
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // credentials-context reads import.meta.url at load time; CommonJS has no import.meta.
    define: { 'import.meta.url': '__keikoImportMetaUrl' },
    banner: { js: "const __keikoImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const browser = await bundle(esbuild, {
    entryPoints: [path.join(ENTRIES, 'browser-entry.mjs')],
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // esbuild ignores this package's "browser" remap because it also has "exports"; the Node build needs Buffer.
    alias: { 'base64url-universal': path.join(ROOT, 'node_modules', 'base64url-universal', 'lib', 'browser.js') },
  });
  return { node, browser };
}

async function main() {
  // Without src/ (the production image) dist/ already holds the bundles.
  if (!fs.existsSync(ENTRIES)) return;
  const hash = inputsHash();
  if (!process.argv.includes('--force') && isFresh(hash)) return;
  const started = Date.now();
  const { node, browser } = await build();
  fs.mkdirSync(OUT, { recursive: true });
  writeAtomically(NODE_BUNDLE, node);
  writeAtomically(BROWSER_BUNDLE, browser);
  writeAtomically(STAMP, `${hash}\n`);
  process.stderr.write(`keiko: built the verifiable-credentials bundles in ${Date.now() - started} ms (${path.relative(ROOT, OUT)})\n`);
}

main().catch((error) => {
  process.stderr.write(`keiko: building the verifiable-credentials bundles failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
