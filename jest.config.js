/**
 * Tests run TypeScript through ts-jest in transpile-only mode (isolatedModules); `npm test`
 * type-checks the whole project with tsc first. (ts-jest rather than @swc/jest: swc's native
 * binaries for other platforms are not on every registry, which breaks `npm ci` there.)
 *
 * Two projects: everything on the default engine (SQLite; adapter tests cover both engines
 * themselves), and the conformance suite again on the MongoDB adapter (KEIKO_TEST_ENGINE).
 */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
};

module.exports = {
  globalSetup: '<rootDir>/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/test-support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'sqlite',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx', '<rootDir>/conformance/**/*.test.ts', '<rootDir>/test-support/**/*.test.ts'],
      setupFiles: ['<rootDir>/test-support/engine-sqlite.ts'],
    },
    {
      ...common,
      displayName: 'mongodb',
      testMatch: ['<rootDir>/conformance/**/*.test.ts'],
      setupFiles: ['<rootDir>/test-support/engine-mongodb.ts'],
    },
  ],
};
