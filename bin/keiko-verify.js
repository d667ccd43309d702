#!/usr/bin/env node
'use strict';
/**
 * `keiko-verify share <url|file> [--rpc URL] [--json]` and `keiko-verify [receipt] receipt.json [statement.json] [--rpc URL]`:
 * the same as `keiko verify share …` and `keiko verify receipt …` (docs/cli.md); without a subcommand, a receipt.
 */
require('./build-freshness').ensureFreshBuild();
const args = process.argv.slice(2);
const subcommand = ['share', 'receipt'].includes(args[0]) ? [] : ['receipt'];
require('../dist/cli/main').main(['verify', ...subcommand, ...args]);
