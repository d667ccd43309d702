#!/usr/bin/env node
'use strict';
/** The `keiko` command (docs/cli.md): compiled once, from dist/; recompiled first only when src/ changed. */
require('./build-freshness').ensureFreshBuild();
require('../dist/cli/main')
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
