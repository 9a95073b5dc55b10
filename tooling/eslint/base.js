import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Shared rules for every workspace package; apps add their own on top. */
export default tseslint.config(
  { ignores: ['dist/**', '.next/**', 'coverage/**', 'next-env.d.ts', 'drizzle/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in the app\'s env.ts only.' },
      ],
    },
  },
  {
    files: ['**/env.ts', '**/*.config.*', '**/test/**', '**/testing/**', '**/*.test.ts', '**/tests/**', '**/system/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
