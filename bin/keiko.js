#!/usr/bin/env node
'use strict';
/** The `keiko` command (docs/cli.md): compiled once, from dist/; recompiled first only when src/ changed. */
require('./build-freshness').ensureFreshBuild();
require('../dist/cli/main').main(process.argv.slice(2));
