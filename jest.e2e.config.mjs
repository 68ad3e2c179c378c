// The browser test (`npm run test:e2e`): the production server as a child process, driven by Debian's
// Chromium through playwright-core. Needs `npm run build` first and /usr/bin/chromium.
// Same transform and database setup as jest.config.mjs: one throwaway embedded PostgreSQL with a migrated
// template database; the test copies the template for the server it starts.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' },
    module: { type: 'es6' },
  },
]

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/tests/helpers/globalSetup.mjs',
  globalTeardown: '<rootDir>/tests/helpers/globalTeardown.mjs',
  // One browser and one production server at a time; a cold start of the server plus Next takes a while.
  maxWorkers: 1,
  testTimeout: 180_000,
}
