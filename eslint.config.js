import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Synchronous GPU readbacks stall the WebGPU queue (and can lose the device), so they are banned
 * in src/ outside tests: use `await t.data()` / `await t.array()` and `tf.browser.toPixels`.
 * Note: a later config object that sets `no-restricted-syntax` replaces this list — extend it here.
 */
/**
 * The umbrella package also bundles tfjs-layers, the converter and tfjs-data, none of which the
 * app uses (they made up a quarter of the worker chunk): import tfjs-core and the backends.
 */
const noTfjsUmbrella = {
  name: '@tensorflow/tfjs',
  message:
    "Import '@tensorflow/tfjs-core' (and a backend package where one is registered), not the umbrella package.",
};

const syncReadbackMessage =
  'Synchronous tensor readback blocks the GPU and can lose the WebGPU device; use `await t.data()` / `await t.array()` instead.';
const noSyncReadback = [
  'error',
  {
    selector: 'CallExpression[callee.object.name="tf"][callee.property.name="addN"]',
    message:
      'tf.addN of 8+ tensors is an invalid WebGPU kernel (too many storage buffers) that silently zeroes its command buffer; use addAll (engine/core/ops.ts).',
  },
  {
    selector: 'MemberExpression[property.name=/^(dataSync|arraySync|bufferSync)$/]',
    message: syncReadbackMessage,
  },
  {
    selector: 'MemberExpression[object.property.name="browser"][property.name="draw"]',
    message: 'tf.browser.draw reads back synchronously; use `await tf.browser.toPixels()` instead.',
  },
  {
    selector: 'MemberExpression[object.name="browser"][property.name="draw"]',
    message: 'tf.browser.draw reads back synchronously; use `await tf.browser.toPixels()` instead.',
  },
];

export default defineConfig([
  globalIgnores([
    'dist/',
    'node_modules/',
    'test-results/',
    'playwright-report/',
    'runs/',
    'bench-results/',
    '.ci/logs/',
    // scripts/device/pack.sh's bundle for the GPU machine: generated, not source.
    '.device/',
  ]),
  {
    files: ['**/*.{js,mjs,cjs,ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // React code only: src/engine and src/cli are plain TS (run in Node via tsx), where a
    // function named `useSomething` is not a hook.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/engine/**', 'src/cli/**'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ['src/**/*.{js,ts,tsx}'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': noSyncReadback,
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noTfjsUmbrella] }] },
  },
  // The layers: engine ← protocol ← worker ← store ← ui (cli beside the worker, on the engine).
  {
    // The engine is pure and shared by the worker and Node: it knows nothing above it.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noTfjsUmbrella],
          patterns: [
            {
              group: [
                '**/worker/**',
                '**/store/**',
                '**/ui/**',
                '**/cli/**',
                '**/lessons/**',
                '**/protocol',
              ],
              message:
                'src/engine is the bottom layer: it may not import the worker, protocol, stores, UI or CLI.',
            },
          ],
        },
      ],
    },
  },
  {
    // The main thread never runs a tensor op: tfjs lives in the worker (and the engine under it).
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts', 'src/App.tsx', 'src/main.tsx'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noTfjsUmbrella],
          patterns: [
            {
              group: ['@tensorflow/*'],
              message:
                'tfjs runs in the training worker only: the UI and stores talk to it through worker/client.ts.',
            },
            {
              group: ['**/cli/**'],
              message: 'the CLI is a Node entry point; the browser app does not import it.',
            },
          ],
        },
      ],
    },
  },
]);
