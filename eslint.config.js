// Lint, including the layering rules of ../shared/style: each folder may import only from the layers below it.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const msg = (why) => `Layering (../shared/style/README.md): ${why}`;

const noNode = {
  paths: nodeBuiltins.map((name) => ({ name, message: msg('this layer runs without Node.') })),
};
const noElectron = {
  name: 'electron',
  message: msg('only the Electron shell (electron/main, electron/preload) may import Electron.'),
};
const reactish = ['react', 'react-dom', 'react-dom/client', 'react-i18next', 'zustand', 'i18next'].map(
  (name) => ({ name, message: msg('UI libraries belong to renderer/.') }),
);

// Below the Electron shell: the core, the CLI, the simulator and the composition roots.
const noShellOrUi = {
  group: ['**/renderer/**', '**/electron/main/**', '**/electron/preload/**', '**/main/*', '**/preload/*'],
  message: msg('the core and CLI must not depend on the Electron shell or the UI.'),
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.cache/**', 'e2e/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // Imports first: a reader sees a module's dependencies before its code (Prettier does not move them).
      'import-x/first': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...noNode.paths,
            noElectron,
            ...reactish,
            { name: 'execa', message: msg('shared/ runs no commands.') },
          ],
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: msg('shared/ imports nothing from the layers above it.'),
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'electron/core/**/*.ts',
      'electron/cli/**/*.ts',
      'electron/sim/**/*.ts',
      'electron/compose/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...reactish],
          patterns: [noShellOrUi],
        },
      ],
    },
  },
  {
    // The simulator is a layer above the core: only composition roots (electron/compose, the CLI, the shell) and
    // tests choose it. Core modules that imported it would ship it into every code path and let it leak into
    // decisions the real dom0 makes.
    files: ['electron/core/**/*.ts'],
    ignores: ['electron/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...reactish],
          patterns: [
            noShellOrUi,
            {
              group: ['**/sim/**', '**/compose/**', '**/testing/**', '**/cli/**'],
              message: msg(
                'the core does not know the simulator, the test fixtures or the composition roots; they import it.',
              ),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/sim/**/*.ts'],
    ignores: ['electron/sim/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...reactish],
          patterns: [
            {
              group: [
                '**/renderer/**',
                '**/electron/main/**',
                '**/electron/preload/**',
                '**/main/*',
                '**/preload/*',
              ],
              message: msg('the simulator does not depend on the Electron shell or the UI.'),
            },
            {
              group: ['**/compose/**', '**/testing/**', '**/cli/**'],
              message: msg('the simulator sits below the composition roots and the test fixtures.'),
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/ipc.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain'],
              message: msg('IPC handlers are registered only in electron/main/ipc.ts, from the contracts.'),
            },
            ...reactish,
          ],
          patterns: [{ group: ['**/renderer/**'], message: msg('the shell does not import the UI.') }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...noNode.paths,
            noElectron,
            { name: 'execa', message: msg('the renderer runs no commands; it asks the main process.') },
          ],
          patterns: [
            {
              group: ['**/electron/**'],
              message: msg(
                'renderer/ talks to the main process only through window.api and imports only shared/.',
              ),
            },
          ],
        },
      ],
    },
  },
);
