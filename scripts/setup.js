#!/usr/bin/env node
'use strict';
/**
 * `npm run setup`: installs what the tests of the MongoDB adapter need where no MongoDB server
 * is at hand: FerretDB, built once per machine with Go into KEIKO_TOOLS_DIR (default
 * ~/.cache/keiko-lrs) by the same code the test run uses, loaded through tsx. `npm start` does
 * not need it (its default engine is SQLite).
 */
const os = require('node:os');
const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

const source = path.join(__dirname, '..', 'test-support', 'mongo-server');
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
  console.log('setup: the tests run the MongoDB adapter against it when no mongod is on PATH and MONGODB_URI_TEST is unset.');
}

main().catch((error) => {
  console.error(`setup failed: ${error.message}`);
  process.exitCode = 1;
});
