/** A local HTTP server on 127.0.0.1 (ephemeral port) serving canned responses by path. */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | Uint8Array
  | { readonly body: Uint8Array; readonly headers?: Record<string, string>; readonly chunkDelayMs?: number }
  | { readonly status: number }
  | 'stall'; // accepts the request and never answers

export interface TestServer {
  /** Base URL ending with `/`. */
  readonly url: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  /** Paths whose response the client closed before it was complete. */
  readonly closedEarly: string[];
  readonly routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const closedEarly: string[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const route = table.get(path);
    if (route === 'stall') {
      open.add(response);
      return;
    }
    if (route === undefined || 'status' in route) {
      response.writeHead(route === undefined ? 404 : route.status, { 'content-type': 'text/plain' });
      response.end(route === undefined ? 'not found' : 'error');
      return;
    }
    const { body, headers = {}, chunkDelayMs = 0 } = route instanceof Uint8Array ? { body: route } : route;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...headers });
    response.on('close', () => {
      if (!response.writableFinished) closedEarly.push(path);
    });
    if (!chunkDelayMs) {
      response.end(body);
      return;
    }
    // Send in 4 pieces with pauses, so progress sees several updates.
    const piece = Math.ceil(body.length / 4);
    let at = 0;
    const next = () => {
      if (response.destroyed) return;
      if (at >= body.length) return response.end();
      response.write(body.subarray(at, at + piece));
      at += piece;
      setTimeout(next, chunkDelayMs);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    closedEarly,
    routes: table,
    close: () => new Promise<void>((resolve) => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
