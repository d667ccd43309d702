/**
 * The OpenAPI document the LRS serves at /openapi.json (openapi/openapi.yaml, the core features'
 * fragments and every built-in plugin's) passes Redocly's lint with the repository's
 * redocly.yaml: its recommended rules, but for the few it turns off, each with its reason.
 * Errors and warnings alike fail, each printed with its JSON pointer.
 *
 * The lint runs through @redocly/cli, the devDependency `npx redocly lint` runs, so that both
 * always agree; its programmatic core (@redocly/openapi-core) is ESM-only, which Jest's CommonJS
 * runtime cannot load.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadPlugins } from '../platform/plugins/load';
import { mergeOpenApi, pluginOpenApi } from '../platform/plugins/platform';
import { loadOpenApiDocument } from './api-docs';

const REDOCLY_CLI = require.resolve('@redocly/cli/bin/cli.js');
const REDOCLY_CONFIG = path.resolve(__dirname, '../../redocly.yaml');

interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: Array<{ pointer?: string }>;
}

/** The document as app.ts serves it: the core's, with every built-in plugin's fragment. */
function servedDocument(): Record<string, unknown> {
  const plugins = loadPlugins('all', {}).map((loaded) => ({ name: loaded.plugin.manifest.name, openapi: pluginOpenApi(loaded) }));
  return mergeOpenApi(loadOpenApiDocument(), plugins);
}

/** Runs `redocly lint --format=json` on the document and returns its problems. */
async function lint(document: Record<string, unknown>): Promise<LintProblem[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-openapi-lint-'));
  try {
    const file = path.join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document, null, 2));
    const args = [REDOCLY_CLI, 'lint', file, `--config=${REDOCLY_CONFIG}`, '--format=json'];
    // Exit code 1 means problems were found: the JSON on stdout lists them either way.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    );
    const report = parseReport(stdout);
    if (report === undefined) throw new Error(`redocly lint gave no JSON report:\n${stdout}\n${stderr}`);
    return report.problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseReport(stdout: string): { problems: LintProblem[] } | undefined {
  try {
    const report = JSON.parse(stdout) as { problems?: unknown };
    return Array.isArray(report.problems) ? { problems: report.problems as LintProblem[] } : undefined;
  } catch {
    return undefined;
  }
}

function describeProblem(problem: LintProblem): string {
  const pointers = problem.location.map((location) => location.pointer ?? '?').join(', ');
  return `${problem.severity} ${problem.ruleId} at ${pointers}: ${problem.message}`;
}

describe('the OpenAPI document served at /openapi.json', () => {
  it('passes redocly lint (recommended rules, redocly.yaml) without errors or warnings', async () => {
    const problems = await lint(servedDocument());
    expect(problems.map(describeProblem)).toEqual([]);
  }, 120_000);
});
