#!/usr/bin/env node
'use strict';
/** `keiko-verify receipt.json [statement.json] [--rpc URL]`: the same as `keiko verify receipt …` (docs/cli.md). */
require('./build-freshness').ensureFreshBuild();
require('../dist/cli/main').main(['verify', 'receipt', ...process.argv.slice(2)]);
