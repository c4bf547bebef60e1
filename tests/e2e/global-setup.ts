import type { FullConfig } from '@playwright/test';
import { adminName, password } from './fixtures';

/** The first user registered is the admin: make it a known one before any test registers. */
export default async function globalSetup(config: FullConfig): Promise<void> {
	const baseURL = config.projects.find((project) => project.name === 'app')!.use.baseURL!;
	const status = await registerFirstAdmin(baseURL, adminName);
	if (status !== 201) throw new Error(`could not register the admin: ${status}`);
}

/**
 * Registers `name` on a server: on an empty database it becomes the admin, and the gathering is
 * then set up (settings saved once, unchanged), as a new instance sends its admin to the setup
 * page until then. Answers the registration's status (409 when the name is taken).
 */
export async function registerFirstAdmin(baseURL: string, name: string): Promise<number> {
	const registered = await fetch(`${baseURL}/api/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL },
		body: JSON.stringify({ name, password })
	});
	if (registered.status !== 201) return registered.status;
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
	return registered.status;
}
