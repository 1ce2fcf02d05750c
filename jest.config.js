const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'tsx', 'js', 'json'] };

// tests/<concern>/ holds every test of that concern; the suffix says how it runs: `*.e2e.test.ts`
// drives the admin panel in a browser, `*.multi-instance.test.ts` needs two Strapi processes on
// PostgreSQL, any other `*.test.ts` is an integration test in this process.
const concerns = '<rootDir>/tests/{servers,sending,inbox,campaigns}';

module.exports = {
  // Real servers, a 20 MB mail and a browser: generous, but every test still has an end.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/server/src/**/__tests__/**/*.test.ts', '<rootDir>/shared/**/__tests__/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [`${concerns}/**/*.test.ts`, '!**/*.e2e.test.ts', '!**/*.multi-instance.test.ts'],
    },
    { ...common, displayName: 'multi-instance', testMatch: [`${concerns}/**/*.multi-instance.test.ts`] },
    { ...common, displayName: 'e2e', testMatch: [`${concerns}/**/*.e2e.test.ts`] },
  ],
};
