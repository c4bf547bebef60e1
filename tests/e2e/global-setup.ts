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
	await setUpGathering(baseURL, response);
}

/**
 * Saves the settings once, unchanged, as the admin just registered (`registered` carries its
 * cookie): a new instance sends its admin to the setup page until then.
 */
export async function setUpGathering(baseURL: string, registered: Response): Promise<void> {
	const cookie = registered.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.join('; ');
	const response = await fetch(`${baseURL}/api/settings`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', origin: baseURL, cookie },
		body: JSON.stringify({ timeZone: 'UTC' })
	});
	if (response.status !== 200)
		throw new Error(`could not set the gathering up: ${response.status}`);
}
