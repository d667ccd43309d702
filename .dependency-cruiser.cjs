/**
 * The import graph's rules (issue 9 §1), checked by src/platform/import-graph.test.ts on every
 * `npm test`: the core never imports a plugin; a plugin imports only the public plugin API
 * (src/plugin-api) and its own folder from Keiko, and never a database driver.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-plugin',
      comment: 'The core finds plugins at run time (src/platform/plugins/load.ts); it never imports one.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/plugins/' },
      to: { path: '^src/plugins/' },
    },
    {
      name: 'plugin-uses-only-the-plugin-api',
      comment: 'A plugin reaches the core only through src/plugin-api, and other plugins not at all.',
      severity: 'error',
      from: { path: '^src/plugins/([^/]+)/' },
      to: { path: '^src/', pathNot: ['^src/plugin-api/', '^src/plugins/$1/'] },
    },
    {
      name: 'plugin-imports-no-database-driver',
      comment: 'Plugins store through the collection store port; drivers stay in the core adapters.',
      severity: 'error',
      from: { path: '^src/plugins/' },
      to: { path: 'node_modules/(mongodb|better-sqlite3|bson|sqlite3|pg|mysql2?)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(test|contract)\\.tsx?$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
