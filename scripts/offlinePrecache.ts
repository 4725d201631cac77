/**
 * The Vite plugin behind offline use: after `vite build` has written every file, it lists the
 * build (page, hashed scripts and styles, the worker chunk, the .wasm binaries, public files)
 * and writes that list, with a hash of the files' contents, into the service worker's `BUILD`
 * constant (public/sw.js). The worker precaches the list when it installs, and the hash names
 * its cache, so each new build gets a new service worker that replaces the old cache.
 *
 * Left out: the service worker itself, source maps, and large data files (public/mnist/*.bin,
 * 8 MB), which the service worker caches the first time they are used.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

export const SERVICE_WORKER_FILE = 'sw.js';
/** The line in public/sw.js that the build replaces. */
const BUILD_LINE = /^const BUILD = \{ version: 'dev', files: \[\] \};$/m;

/** Whether a built file (path relative to the output directory, with '/') is precached. */
export function isPrecached(file: string): boolean {
  if (file === SERVICE_WORKER_FILE) return false;
  if (file.endsWith('.map')) return false;
  if (file.startsWith('mnist/')) return false;
  return true;
}

/** URLs relative to the service worker: the page as './', everything else as './<file>'. */
export function precacheUrls(files: readonly string[]): string[] {
  return files
    .filter(isPrecached)
    .map((file) => (file === 'index.html' ? './' : `./${file}`))
    .sort();
}

/** The service worker's source with its BUILD constant filled in. */
export function injectBuild(source: string, build: { version: string; files: string[] }): string {
  if (!BUILD_LINE.test(source)) {
    throw new Error(`offline-precache: ${SERVICE_WORKER_FILE} has no "const BUILD = …" line`);
  }
  return source.replace(BUILD_LINE, () => `const BUILD = ${JSON.stringify(build)};`);
}

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(root, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

export function offlinePrecache(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'offline-precache',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    // After every output file (and the public directory) is on disk.
    async closeBundle() {
      const outDir = path.resolve(config.root, config.build.outDir);
      const files = (await listFiles(outDir)).sort();
      if (!files.includes(SERVICE_WORKER_FILE)) return; // e.g. a library build
      const precached = files.filter(isPrecached);
      const hash = createHash('sha256');
      for (const file of precached) {
        hash.update(file);
        hash.update(await readFile(path.join(outDir, file)));
      }
      const build = { version: hash.digest('hex').slice(0, 16), files: precacheUrls(files) };
      const swPath = path.join(outDir, SERVICE_WORKER_FILE);
      await writeFile(swPath, injectBuild(await readFile(swPath, 'utf8'), build));
    },
  };
}
