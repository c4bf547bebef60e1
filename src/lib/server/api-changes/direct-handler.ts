import type { IncomingMessage, ServerResponse } from 'node:http';

export type DirectHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** server.js finds the direct path here, as it finds the stream's upgrade handler. */
const directHandlerKey = Symbol.for('tidewatch.directHandler');
type Global = { [directHandlerKey]?: DirectHandler };

export function registerDirectHandler(handler: DirectHandler): void {
	(globalThis as Global)[directHandlerKey] = handler;
}
