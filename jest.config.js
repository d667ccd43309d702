/**
 * Tests run TypeScript through ts-jest in transpile-only mode (isolatedModules); `npm test`
 * type-checks the whole project with tsc first. (ts-jest rather than @swc/jest: swc's native
 * binaries for other platforms are not on every registry, which breaks `npm ci` there.)
 */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/conformance/**/*.test.ts'],
  globalSetup: '<rootDir>/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/test-support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
