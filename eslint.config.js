// One lint configuration for every package, tests, benches and e2e included.
// Type-aware where it matters (floating promises), and the package layers as
// import rules: data flows kernel → bpf-core → agent → (tRPC) → web → charts.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Imports a package may not make: other packages by name, and any package's files by relative path. */
function layer(files, forbidden, message, options = {}) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: (options.typeOnly ?? []).map((name) => ({ name, allowTypeImports: true, message: `${name}: import type only, the values travel over tRPC` })),
          patterns: [
            ...forbidden.map((group) => ({ group: [group], message })),
            // Reaching into another package's files skips its exports: import it by name.
            { regex: String.raw`^(\.\./)+(\.\./)(apps|packages|e2e)/`, message: 'import another package by its name, not a relative path' },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/',
      '**/node_modules/',
      '**/out/',
      '**/build/',
      'e2e/artifacts/',
      'bench/results/',
      'packages/bpf-core/bin/',
      'packages/bpf-core/bundle/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'packages/bpf-core/test/fixtures/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // A path reference is how a hand-written .d.ts for an untyped module travels with the file that needs it.
      '@typescript-eslint/triple-slash-reference': ['error', { path: 'always', types: 'prefer-import', lib: 'never' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}', 'packages/charts/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  // The layers. @bpfscope/formats is the format both ends share (folded stacks, clock time) and imports nothing.
  layer(['packages/formats/**'], ['@bpfscope/*'], 'formats is the bottom layer: it imports no @bpfscope package'),
  layer(['packages/bench-kit/**'], ['@bpfscope/*'], 'bench-kit is shared by every bench and imports no @bpfscope package'),
  layer(
    ['packages/bpf-core/**'],
    ['@bpfscope/agent', '@bpfscope/web', '@bpfscope/charts', '@bpfscope/e2e'],
    'bpf-core is the bottom of the data flow: it imports nothing above it',
  ),
  layer(
    ['packages/charts/**'],
    ['@bpfscope/agent', '@bpfscope/web', '@bpfscope/bpf-core', '@bpfscope/e2e'],
    'charts is a UI library: it imports no app package and not the native addon',
  ),
  layer(['apps/agent/**'], ['@bpfscope/web', '@bpfscope/charts', '@bpfscope/e2e'], 'the agent imports only bpf-core below it'),
  // e2e and the benches sit on top and may import any package, by name.
  layer(['e2e/**'], [], ''),
  layer(['apps/web/**'], ['@bpfscope/bpf-core', '@bpfscope/e2e'], 'the web talks to bpf-core only through the agent', { typeOnly: ['@bpfscope/agent'] }),
);
