import type { FullConfig } from '@playwright/test';
import { adminName, password } from './fixtures';

/** The first user registered is the admin: make it a known one before any test registers. */
export default async function globalSetup(config: FullConfig): Promise<void> {
	const baseURL = config.projects.find((project) => project.name === 'app')!.use.baseURL!;
	const response = await fetch(`${baseURL}/api/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL },
		body: JSON.stringify({ name: adminName, password })
	});
	if (response.status !== 201) throw new Error(`could not register the admin: ${response.status}`);
}
