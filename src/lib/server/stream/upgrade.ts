import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The server entry (server.js in production, the Vite plugin in development) finds the app's
 * upgrade handler here, so the stream runs on the app's own module instances.
 */
const upgradeHandlerKey = Symbol.for('tidewatch.upgradeHandler');
type Global = { [upgradeHandlerKey]?: UpgradeHandler };

export function registerUpgradeHandler(handler: UpgradeHandler): void {
	(globalThis as Global)[upgradeHandlerKey] = handler;
}
