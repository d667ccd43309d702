import fs from 'node:fs';
import path from 'node:path';

/**
 * The Dockerfile, read as text (no Docker engine in the tests): its build stage has what `npm ci`
 * needs once `prepare` compiles, and its image has `keiko` on PATH.
 */
const root = path.resolve(__dirname, '../..');
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const [buildStage, imageStage] = dockerfile.split(/^FROM /m).slice(1) as [string, string];
const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;

/** The sources of the COPY lines (not --from) of a stage, up to the first line matching `until`. */
function copiedBefore(stage: string, until: RegExp): string[] {
  const lines = stage.slice(0, stage.search(until)).split('\n');
  return lines.filter((line) => /^COPY (?!--from)/.test(line)).flatMap((line) => line.split(/\s+/).slice(1, -1));
}

describe('Dockerfile', () => {
  it('builds and runs on Node 24 LTS (bookworm-slim)', () => {
    expect(buildStage).toMatch(/^node:24-bookworm-slim AS build/);
    expect(imageStage).toMatch(/^node:24-bookworm-slim\n/);
  });

  it('copies, before npm ci, every file the prepare script and the build read', () => {
    const copied = copiedBefore(buildStage, /^RUN npm ci/m);
    const readBy = (script: string) => [...script.matchAll(/(?:-p |node )(\S+)/g)].map((match) => match[1]!);
    expect(readBy(scripts.prepare!)).toEqual(['scripts/build-vc-bundles.js', 'bin/build-freshness.js']);
    const read = readBy(scripts.build!);
    expect(read).toEqual(['scripts/build-vc-bundles.js', 'tsconfig.build.json', 'scripts/copy-assets.js', 'bin/build-freshness.js']);
    const covered = (file: string) => copied.some((source) => file === source || file.startsWith(`${source.replace(/\/$/, '')}/`));
    for (const file of [...read, 'tsconfig.json', 'package.json', 'package-lock.json', 'src/main.ts']) expect([file, covered(file)]).toEqual([file, true]);
    for (const source of copied) expect([source, fs.existsSync(path.join(root, source))]).toEqual([source, true]);
  });

  it('puts keiko (and keiko-verify) on PATH in the image, and starts the LRS with it', () => {
    expect(copiedBefore(imageStage, /^USER /m)).toEqual(expect.arrayContaining(['bin', 'package.json']));
    expect(imageStage).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(imageStage).toMatch(/ln -s \/app\/bin\/keiko\.js \/usr\/local\/bin\/keiko\b/);
    expect(imageStage).toMatch(/ln -s \/app\/bin\/keiko-verify\.js \/usr\/local\/bin\/keiko-verify\b/);
    expect(imageStage).toMatch(/^CMD \["keiko", "start"\]$/m);
    for (const bin of ['bin/keiko.js', 'bin/keiko-verify.js']) {
      expect(fs.readFileSync(path.join(root, bin), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
      expect(fs.statSync(path.join(root, bin)).mode & 0o111).not.toBe(0);
    }
  });
});
