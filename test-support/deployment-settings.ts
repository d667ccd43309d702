import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The environment variable names a settings module reads: quoted names matching `pattern` (e.g. /PASSPORT_[A-Z_]+/). */
export function settingNamesIn(file: string, pattern: RegExp): string[] {
  return [...read(file).matchAll(new RegExp(`'(${pattern.source})'`, 'g'))].map((match) => match[1]!);
}

/** Asserts each setting is in the README's configuration table, in .env.example and passed through by docker-compose.yml. */
export function expectDocumentedForOperators(names: string[]): void {
  const readme = read('README.md');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('Read by scripts, not by the LRS'));
  const environment = YAML.parse(read('docker-compose.yml')).services.lrs.environment as Record<string, unknown>;
  for (const name of names) {
    expect(table).toMatch(new RegExp(`^\\|[^\\n]*\`${name}\``, 'm'));
    expect(read('.env.example')).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    expect(environment).toHaveProperty(name);
  }
}
