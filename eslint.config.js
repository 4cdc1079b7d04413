// Lint config: typescript-eslint's recommended rules on the TypeScript sources, and the layer order of
// README "Layout of the code" (DESIGN.md): a folder imports only from the layers below it, so a
// violation fails `npm test` (test/layers.test.ts proves the rule fires).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Each source folder and the folders it must not import: everything above it, plus siblings that
// share its layer where the layer is meant to stay independent.
const SURFACES = ['cli', 'server', 'web', 'worker'];
const USE_CASES = ['pipeline'];
const STORAGE = ['store', 'data'];
const DOMAIN = ['lifecycle', 'launch', 'inventory', 'global', 'customers', 'report', 'synth'];
const ENGINE = ['engine'];
const MODELS = ['models', 'gbdt'];
const above = {
  numerics: [...MODELS, ...ENGINE, ...DOMAIN, ...STORAGE, ...USE_CASES, ...SURFACES],
  models: ['gbdt', ...ENGINE, ...DOMAIN, ...STORAGE, ...USE_CASES, ...SURFACES],
  gbdt: ['models', ...ENGINE, ...DOMAIN, ...STORAGE, ...USE_CASES, ...SURFACES],
  engine: [...DOMAIN, ...STORAGE, ...USE_CASES, ...SURFACES],
  lifecycle: [...DOMAIN.filter((d) => d !== 'lifecycle'), ...STORAGE, ...USE_CASES, ...SURFACES],
  launch: [...DOMAIN.filter((d) => d !== 'launch'), ...STORAGE, ...USE_CASES, ...SURFACES],
  inventory: [...DOMAIN.filter((d) => d !== 'inventory'), ...STORAGE, ...USE_CASES, ...SURFACES],
  global: [...DOMAIN.filter((d) => d !== 'global'), ...STORAGE, ...USE_CASES, ...SURFACES],
  customers: [...DOMAIN.filter((d) => d !== 'customers'), ...STORAGE, ...USE_CASES, ...SURFACES],
  report: [...DOMAIN.filter((d) => d !== 'report'), ...STORAGE, ...USE_CASES, ...SURFACES],
  synth: [...DOMAIN.filter((d) => d !== 'synth'), ...STORAGE, ...USE_CASES, ...SURFACES],
  data: ['store', ...USE_CASES, ...SURFACES],
  store: [...USE_CASES, ...SURFACES],
  pipeline: [...SURFACES],
  // the surfaces stay independent of each other: the server imports no CLI, dashboard or worker code
  server: SURFACES.filter((s) => s !== 'server'),
};
// Only the store speaks to DuckDB; below the storage layer nothing touches files either.
const PURE = ['numerics', 'models', 'gbdt', 'engine', ...DOMAIN];

const layerRules = Object.entries(above).map(([folder, banned]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          ...(folder === 'store'
            ? []
            : [{ name: '@duckdb/node-api', message: 'only src/store/ speaks to DuckDB (layers: README)' }]),
          ...(PURE.includes(folder)
            ? ['node:fs', 'node:fs/promises', 'fs'].map((name) => ({
                name,
                message: `src/${folder}/ takes data as arrays, never files (layers: README)`,
              }))
            : []),
        ],
        patterns: [
          {
            group: banned.flatMap((b) => [`../${b}/*`, `../../${b}/*`, `**/${b}/*`]),
            message: `src/${folder}/ must not import from a higher layer (layers: README "Layout of the code")`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.shopcast/**', 'docs/**', 'plan/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  ...layerRules,
  {
    // the dashboard is browser code: it reaches the rest of shopcast only over HTTP, through the service's API
    files: ['src/web/**/*.ts', 'src/web/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*', '../../../*', 'node:*', '@duckdb/*', 'fastify', '@fastify/*'],
              message: 'src/web/ is browser code: it imports only src/web/ and browser packages (layers: README)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'bin/*'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
