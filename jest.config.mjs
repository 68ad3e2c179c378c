// Jest runs the TypeScript sources as native ES modules (Payload is ESM only): @swc/jest transforms,
// node's --experimental-vm-modules (set in package.json) runs them.
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
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // The browser test needs the production build and Chromium: `npm run test:e2e` (jest.e2e.config.mjs).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/e2e/'],
  globalSetup: '<rootDir>/tests/helpers/globalSetup.mjs',
  globalTeardown: '<rootDir>/tests/helpers/globalTeardown.mjs',
  setupFiles: ['<rootDir>/tests/helpers/folderPerFile.ts'],
  testTimeout: 60_000,
  // Two cores: one worker per core, each test file with its own database.
  maxWorkers: 2,
}
