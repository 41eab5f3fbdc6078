/**
 * A Vite plugin for backend packages that may not exist yet: `@tensorkit/backend-<name>/register`
 * resolves as usual when the package is installed, else to the workspace's built
 * `packages/backend-<name>/dist/register.js`, else to a module that throws an error with code
 * `TENSORKIT_BACKEND_NOT_INSTALLED` (shown as "not installed" in the backend picker).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const MISSING = '\0tensorkit-missing-backend:';

export function optionalBackends(options: { names: readonly string[]; workspaceRoot: string }): Plugin {
  const found = new Map<string, string>();
  return {
    name: 'tensorkit-optional-backends',
    enforce: 'pre',
    async resolveId(source, importer, resolveOptions) {
      const match = /^@tensorkit\/backend-([\w-]+)\/register$/.exec(source);
      if (!match || !options.names.includes(match[1])) return null;
      const resolved = await this.resolve(source, importer, { ...resolveOptions, skipSelf: true }).catch(() => null);
      if (resolved && !resolved.external) return resolved;
      const local = join(options.workspaceRoot, 'packages', `backend-${match[1]}`, 'dist', 'register.js');
      if (existsSync(local)) {
        if (!found.has(match[1])) this.warn?.(`${source}: not a dependency of this app; using the workspace build ${local}`);
        found.set(match[1], local);
        return local;
      }
      return `${MISSING}${match[1]}`;
    },
    load(id) {
      if (!id.startsWith(MISSING)) return null;
      const name = id.slice(MISSING.length);
      return `const error = new Error(${JSON.stringify(`package @tensorkit/backend-${name} is not installed (build it, or add it to apps/mnist-web's dependencies)`)});
error.code = 'TENSORKIT_BACKEND_NOT_INSTALLED';
throw error;
export {};
`;
    },
  };
}

/**
 * Workaround for backend packages that compute asset URLs with a template, e.g.
 * `new URL(`../dist/${file}`, import.meta.url)` as a fallback after literal `new URL('./x.wasm', ...)`:
 * Vite turns such a template into a glob of the whole folder (source maps and .d.ts included), and
 * in dev the `.map` "module" is served as JSON, so the package fails to load in the dev server.
 * Marking those templates `@vite-ignore` leaves them to run time; literal URLs are still bundled.
 */
export function backendTemplateAssetUrls(): Plugin {
  const backendDist = /[\\/](packages[\\/]backend-[\w-]+|@tensorkit[\\/]backend-[\w-]+)[\\/]dist[\\/][^\\/]+\.js$/;
  return {
    name: 'tensorkit-backend-template-asset-urls',
    enforce: 'pre',
    transform(code, id) {
      if (!backendDist.test(id.split('?')[0]) || !code.includes('new URL(`')) return null;
      return { code: code.replace(/new URL\(`(?=[^`]*\$\{)/g, 'new URL(/* @vite-ignore */ `'), map: null };
    },
  };
}
