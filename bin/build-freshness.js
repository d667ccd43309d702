'use strict';
/**
 * Keeps dist/ in step with src/ without compiling on every command: `npm run build` writes
 * dist/.build-stamp when it finishes; before a command runs, the newest modification time under
 * src/ (files and folders, so a deleted file counts; tests excluded, as from the build) is compared
 * with the stamp, in milliseconds, and only a newer src/ rebuilds (one line on stderr says so).
 * Where there is no src/ or no TypeScript (the Docker image, a production install), dist/ is used
 * as it is.
 *
 *   node bin/build-freshness.js          rebuild if stale (npm's prepare, npm run devnet and bench)
 *   node bin/build-freshness.js --stamp  record that dist/ was just built (the end of npm run build)
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const LOCK = path.join(DIST, '.build-lock');
/** A lock older than this was left by a build that was killed. */
const STALE_LOCK_MS = 10 * 60_000;
const NOT_BUILT = /\.(test|contract)\.tsx?$/;

function newestMtimeMs(dir) {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (NOT_BUILT.test(entry.name)) continue;
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

function stampMs() {
  try {
    return fs.statSync(STAMP).mtimeMs;
  } catch {
    return -Infinity;
  }
}

function canBuild() {
  return fs.existsSync(SRC) && fs.existsSync(path.join(ROOT, 'node_modules', 'typescript'));
}

function isStale() {
  return canBuild() && newestMtimeMs(SRC) > stampMs();
}

function lockMtimeMs() {
  try {
    return fs.statSync(LOCK).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** npm run build, one build at a time across processes (a second waits, then finds dist/ fresh). */
function rebuild() {
  fs.mkdirSync(DIST, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() - lockMtimeMs() > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!isStale()) return;
    const why = stampMs() === -Infinity ? 'no build yet' : 'src/ changed since the last build';
    process.stderr.write(`keiko: ${why}; compiling TypeScript into dist/ (npm run build)…\n`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const built = spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) {
      process.stderr.write('keiko: the build failed (above); fix src/ and run the command again.\n');
      process.exit(2);
    }
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Rebuilds dist/ when src/ is newer than the last build; exits with a message when there is no dist/ at all. */
function ensureFreshBuild() {
  if (isStale()) rebuild();
  if (!fs.existsSync(path.join(DIST, 'cli', 'main.js'))) {
    process.stderr.write('keiko: dist/ is missing and cannot be built here (run `npm ci`, or `npm run build`).\n');
    process.exit(4);
  }
}

function writeStamp() {
  fs.mkdirSync(DIST, { recursive: true });
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

module.exports = { ensureFreshBuild, isStale };

if (require.main === module) {
  if (process.argv.includes('--stamp')) writeStamp();
  else ensureFreshBuild();
}
