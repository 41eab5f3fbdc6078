/**
 * A Vite plugin serving local MNIST files at `/data/mnist/<file>` from the dev and preview servers,
 * so the page (and the e2e test) load the dataset without the internet, with the same browser
 * loader as `@tensorkit/datasets`. The directory comes from `--data-dir DIR`, `TENSORKIT_DATA_DIR`,
 * or defaults to `../shared/datasets/mnist` next to the repository.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';

export const DATA_ROUTE = '/data/mnist/';

/** The data directory: `--data-dir DIR` / `--data-dir=DIR` in `argv`, else `TENSORKIT_DATA_DIR`, else `<repo>/../shared/datasets/mnist`. */
export function dataDirFrom(argv: readonly string[], env: Record<string, string | undefined>, repoRoot: string): string {
  const at = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (at >= 0) {
    const value = argv[at].includes('=') ? argv[at].slice('--data-dir='.length) : argv[at + 1];
    if (value) return resolve(value);
  }
  if (env.TENSORKIT_DATA_DIR) return resolve(env.TENSORKIT_DATA_DIR);
  return resolve(repoRoot, '..', 'shared', 'datasets', 'mnist');
}

type Next = (error?: unknown) => void;

export function mnistData(options: { dir: string; route?: string }): Plugin {
  const route = options.route ?? DATA_ROUTE;
  const handler = (req: IncomingMessage, res: ServerResponse, next: Next) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(route) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const name = decodeURIComponent(path.slice(route.length));
    const file = join(options.dir, name);
    let size = -1;
    if (/^[\w][\w.-]*$/.test(name)) {
      try {
        const stat = statSync(file);
        if (stat.isFile()) size = stat.size;
      } catch {
        // not found: 404 below
      }
    }
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (size < 0) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`${name}: not in the data directory ${options.dir} (set TENSORKIT_DATA_DIR or pass --data-dir)\n`);
      return;
    }
    // The .gz bytes as they are (no Content-Encoding): the loader gunzips and checks the SHA-256 itself.
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).on('error', next).pipe(res);
  };
  return {
    name: 'tensorkit-mnist-data',
    configureServer(server) {
      server.middlewares.use(handler);
      server.config.logger.info(`  MNIST data: ${route} → ${options.dir}`);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handler);
      server.config.logger.info(`  MNIST data: ${route} → ${options.dir}`);
    },
  };
}
