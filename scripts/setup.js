#!/usr/bin/env node
'use strict';
/**
 * `npm run setup`: installs what the embedded database needs, so that the first `npm start`
 * (or test run) does not have to. Today that is FerretDB, built once per machine with Go into
 * KEIKO_TOOLS_DIR (default ~/.cache/keiko-lrs) by the same code the LRS runs at start-up,
 * loaded from the TypeScript source through tsx so that no build is needed first.
 */
const os = require('node:os');
const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

const source = path.join(__dirname, '..', 'src', 'db', 'embedded');
const { ensureFerretDb, FERRETDB_VERSION } = requireTypeScript(path.join(source, 'ferretdb-install.ts'), __filename);
const { toolOptionsFromEnvironment } = requireTypeScript(path.join(source, 'tools.ts'), __filename);

let worked = false;
/** The install's progress lines, as plain text; it says nothing when FerretDB is already installed. */
const logger = {
  info: (details, message) => {
    worked = true;
    console.log(`setup: ${message}${details.seconds ? ` (${details.seconds} s)` : ''}`);
  },
  debug: () => {},
};

async function main() {
  const tools = toolOptionsFromEnvironment(process.env, os.homedir());
  const binary = await ensureFerretDb(logger, tools);
  console.log(`setup: FerretDB ${FERRETDB_VERSION} ${worked ? 'is ready' : 'was already installed'} at ${binary}`);
  console.log('setup: `npm start` uses it when MONGODB_URI is unset and no MongoDB server (mongod) is available.');
}

main().catch((error) => {
  console.error(`setup failed: ${error.message}`);
  process.exitCode = 1;
});
