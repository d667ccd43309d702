import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigError, loadConfig, malformedEnvLine, readEnvironment } from './config';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, '/srv/keiko');
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: '/srv/keiko/data', dbName: 'keiko', statementsPageSize: 100 });
    expect(config.admin).toBeUndefined();
    expect(config.plugins).toBe('all');
  });

  it('selects every built-in plugin by default, none with PLUGINS=none, or the listed ones', () => {
    expect(loadConfig({}).plugins).toBe('all');
    expect(loadConfig({ PLUGINS: 'all' }).plugins).toBe('all');
    expect(loadConfig({ PLUGINS: 'none' }).plugins).toEqual([]);
    expect(loadConfig({ PLUGINS: 'anchoring, passport,anchoring' }).plugins).toEqual(['anchoring', 'passport']);
    expect(() => loadConfig({ PLUGINS: 'Anchoring;x' })).toThrow(/PLUGINS must be all, none or plugin names separated by commas, got "Anchoring;x"/);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LRS_ADMIN_KEY: 'admin', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/LRS_ADMIN_KEY and LRS_ADMIN_SECRET/);
    expect(problems).toMatch(/MONGODB_URI/);
    expect(problems).toMatch(/LOG_LEVEL/);
  });

  it('refuses an unspecified HOST without PUBLIC_URL, saying to set it to the address clients reach', () => {
    for (const host of ['0.0.0.0', '::']) {
      expect(() => loadConfig({ HOST: host })).toThrow(
        new RegExp(`HOST=${host.replace(/\./g, '\\.')} listens on every interface, so PUBLIC_URL must be set to the address clients reach`),
      );
    }
    expect(loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://lrs.example.org/' })).toMatchObject({
      host: '0.0.0.0',
      publicUrl: 'https://lrs.example.org/',
    });
    expect(loadConfig({ HOST: '192.0.2.7' }).host).toBe('192.0.2.7');
  });

  it('reads TRUST_PROXY as a hop count or a list of addresses, subnets and names, refusing anything else', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::1,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1', 'fd00::/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY must be a number of proxies (0-10) or addresses, subnets and loopback / linklocal / uniquelocal separated by commas; not "true"');
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33,proxy.example' })).toThrow('not "10.0.0.0/33", "proxy.example"');
    expect(() => loadConfig({ TRUST_PROXY: '11' })).toThrow('not "11"');
  });
});

describe('readEnvironment (.env file)', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-env-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function writeEnv(text: string, name = '.env'): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('is the process environment alone when there is no .env file', () => {
    expect(readEnvironment({ PORT: '9000' }, dir)).toEqual({ PORT: '9000' });
  });

  it('adds the .env variables, the process environment winning over the file', () => {
    writeEnv('# the LRS\nPORT=9000\nexport LOG_LEVEL=debug\nPUBLIC_URL="https://lrs.example.org/" # public\n\nMONGODB_DB = lrs\n');
    expect(readEnvironment({ PORT: '9100', HOME: '/home/keiko', UNSET: undefined }, dir)).toEqual({
      PORT: '9100',
      HOME: '/home/keiko',
      LOG_LEVEL: 'debug',
      PUBLIC_URL: 'https://lrs.example.org/',
      MONGODB_DB: 'lrs',
    });
  });

  it('reads the file ENV_FILE names instead, relative to the working directory', () => {
    writeEnv('PORT=9000\n');
    writeEnv('PORT=9200\n', 'production.env');
    expect(readEnvironment({ ENV_FILE: 'production.env' }, dir).PORT).toBe('9200');
    expect(() => readEnvironment({ ENV_FILE: 'missing.env' }, dir)).toThrow(
      new ConfigError([`${path.join(dir, 'missing.env')} cannot be read (ENOENT)`]),
    );
  });

  it('refuses a malformed file, naming the file and the line', () => {
    const file = writeEnv('PORT=9000\n# fine\nLOG_LEVEL debug\n');
    expect(() => readEnvironment({}, dir)).toThrow(ConfigError);
    expect(() => readEnvironment({}, dir)).toThrow(`${file}:3: expected NAME=value (or a # comment)`);
  });

  it('feeds loadConfig, which names a bad value from the file like one from the environment', () => {
    writeEnv('PORT=eighty\nDATA_DIR=lrs-data\n');
    expect(() => loadConfig(readEnvironment({}, dir), dir)).toThrow(/PORT must be an integer from 0 to 65535, got "eighty"/);
    expect(loadConfig(readEnvironment({ PORT: '81' }, dir), dir)).toMatchObject({ port: 81, dataDir: path.join(dir, 'lrs-data') });
  });
});

describe('malformedEnvLine', () => {
  it('accepts assignments, comments, blank lines and quoted values over several lines', () => {
    expect(malformedEnvLine('A=1\n\n  # note\nexport B=two\nC="line 1\nline 2"\nD=\'x\'\nE=\n')).toBeUndefined();
  });

  it('names the first line that is not NAME=value', () => {
    expect(malformedEnvLine('A=1\nnot a setting\nB\n')).toEqual({ line: 2, problem: 'expected NAME=value (or a # comment)' });
    expect(malformedEnvLine('A=1\n1X=2\n')?.line).toBe(2);
  });

  it('names the line of a quote that is never closed', () => {
    expect(malformedEnvLine('A=1\nKEY="unterminated\nB=2\n')).toEqual({ line: 2, problem: 'the value\'s opening " is never closed' });
  });
});

describe('the documented settings', () => {
  const root = path.resolve(__dirname, '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const lrsTable = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('Read by scripts, not by the LRS'));
  const documented = [...lrsTable.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z_]+)`/g)].map((name) => name[1]!));
  const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');

  it('are every setting the configuration reads, in the README table', () => {
    const read = fs.readFileSync(path.join(__dirname, 'config.ts'), 'utf8');
    const names = [...read.matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((match) => match[1]!);
    expect(names.length).toBeGreaterThan(10);
    expect(documented).toEqual(expect.arrayContaining([...names, 'ENV_FILE', 'STARKNET_RPC_URL', 'ANCHOR_CRON', 'ANCHOR_MAX_BATCH']));
  });

  it('are each listed in .env.example, which is itself a valid .env file', () => {
    for (const name of documented.filter((entry) => entry !== 'ENV_FILE')) {
      expect(example).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    }
    expect(malformedEnvLine(example)).toBeUndefined();
  });

  it('are each passed through to the LRS by docker-compose.yml, PUBLIC_URL with a default', () => {
    const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
    const environment = compose.services.lrs.environment as Record<string, unknown>;
    const insideTheContainer = ['ENV_FILE', 'DATA_DIR'];
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(documented.filter((entry) => !insideTheContainer.includes(entry))));
    expect(environment.PUBLIC_URL).toBe('${PUBLIC_URL:-http://localhost:8080/}');
    expect(compose).not.toHaveProperty('version');
  });
});
