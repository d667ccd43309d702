import { ConfigError, loadConfig } from './config';

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
});
