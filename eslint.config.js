// The flat config SvelteKit's project template sets up: JS and TypeScript recommended rules,
// Svelte's, and Prettier's to switch off what the formatter owns.
import { includeIgnoreFile } from '@eslint/compat';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import { fileURLToPath } from 'node:url';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const gitignorePath = fileURLToPath(new URL('./.gitignore', import.meta.url));

export default defineConfig(
	includeIgnoreFile(gitignorePath),
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		// TypeScript checks undefined names itself (and better); see typescript-eslint's advice.
		rules: { 'no-undef': 'off' }
	},
	{
		// One enhance for every form: it keeps the page when the server cannot be reached. And
		// the database, its driver and its SQL only behind the storage's interface
		// (docs/architecture.md, "Storage").
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['src/lib/client/unreachable.ts', 'src/lib/server/storage/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [
						{
							name: '$app/forms',
							importNames: ['enhance'],
							message: "Use enhance from '$lib/client/unreachable'."
						},
						{
							name: 'better-sqlite3',
							message: 'Read and write through storage() (src/lib/server/storage/).'
						},
						{
							name: 'pg',
							message: 'Read and write through storage() (src/lib/server/storage/).'
						}
					],
					patterns: [
						{
							group: ['**/storage/sqlite', '**/storage/sqlite/**'],
							message: 'Use storage() and its records: SQLite is one implementation of them.'
						},
						{
							group: ['**/storage/postgres', '**/storage/postgres/**'],
							message: 'Use storage() and its records: PostgreSQL is one implementation of them.'
						}
					]
				}
			]
		}
	},
	{
		// Scripts and benchmarks read and write through the app's commands or its HTTP API.
		files: ['scripts/**/*.js', 'bench/**/*.js'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					name: 'better-sqlite3',
					message: "Use the app's commands (src/lib/server/commands/) or its HTTP API."
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	}
);
