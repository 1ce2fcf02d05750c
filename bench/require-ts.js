/**
 * Lets the benchmarks require the tests' TypeScript helpers (tests/helpers/*.ts), compiled on the
 * fly with swc as jest compiles them: one implementation of freePort, Dovecot and the rest, no JS
 * copy to drift from it.
 */
const swc = require('@swc/core');

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformFileSync(filename, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}
