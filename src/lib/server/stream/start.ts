import { registerUpgradeHandler } from './upgrade';

export function startStream(): void {
	registerUpgradeHandler((_request, socket) => {
		socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
	});
}
