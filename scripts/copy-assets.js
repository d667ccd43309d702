#!/usr/bin/env node
/**
 * After `tsc`, copies what the compiler does not emit from src/ into dist/: profiles (.jsonld),
 * OpenAPI fragments, stylesheets, licences and other data files that modules read at run time
 * (plugin folders name their profiles and OpenAPI fragment relative to themselves).
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SOURCE = path.join(ROOT, 'src');
const TARGET = path.join(ROOT, 'dist');
const COMPILED = /\.(ts|tsx)$/;

fs.cpSync(SOURCE, TARGET, {
  recursive: true,
  filter: (file) => fs.statSync(file).isDirectory() || !COMPILED.test(file),
});
