/**
 * Downloads one file into the cache: mirrors in order, a stall timeout per mirror, SHA-256
 * verification before anything is kept, and atomic writes (a temporary file in the same directory,
 * fsync, rename), so the cache only ever holds complete, verified files.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import type { DatasetFileInfo, DatasetInfo } from '../specs.js';
import { decodeFile, mirrorUrl, storedName } from '../verify.js';
import { nodePlatform } from './platform.js';
import { Progress, type ProgressStream } from './progress.js';

export interface DownloadContext {
  readonly spec: DatasetInfo;
  readonly file: DatasetFileInfo;
  /** The dataset's cache directory, where the verified file goes. */
  readonly dir: string;
  readonly mirrors: readonly string[];
  readonly progress: ProgressStream | undefined;
  readonly signal: AbortSignal | undefined;
  /** Milliseconds without data before a mirror is given up. */
  readonly timeout: number;
}

/** A failure of the local file system (not the mirror's fault: no use trying the next one). */
class LocalFailure extends Error {}

function describe(error: unknown): string {
  if (error instanceof DatasetError) return error.message;
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause ? ` (${e.cause.code ?? e.cause.message ?? String(e.cause)})` : '';
  return `${e.message ?? String(error)}${cause}`;
}

/** Downloads `ctx.file` from the first mirror that serves the official file; returns its IDX bytes and path. */
export async function download(ctx: DownloadContext): Promise<{ raw: Uint8Array; path: string }> {
  const { spec, file, dir } = ctx;
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new DatasetError(`${spec.name}: cannot create the cache directory ${dir} (${describe(error)}); set the cacheDir option or TENSORKIT_CACHE_DIR`, { file: dir, cause: error });
  }
  const failures: string[] = [];
  for (let i = 0; i < ctx.mirrors.length; i++) {
    const url = mirrorUrl(ctx.mirrors[i], `${file.name}.gz`);
    const progress = new Progress(ctx.progress, `${spec.name}/${file.name}.gz`, url, file.gz.bytes);
    try {
      return await fromMirror(ctx, url, progress);
    } catch (error) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      if (error instanceof LocalFailure) throw new DatasetError(error.message, { file: dir, cause: error.cause });
      const described = describe(error);
      const reason = described.startsWith(`${url}: `) ? described.slice(url.length + 2) : described;
      failures.push(`${url}: ${reason}`);
      progress.failed(reason, i + 1 < ctx.mirrors.length ? 'trying the next mirror' : 'no mirror left');
    }
  }
  throw new DatasetError(
    `${spec.name}: could not download ${file.name}.gz from any mirror (nothing was cached):\n${failures.map((f) => `  - ${f}`).join('\n')}`,
    { file: `${file.name}.gz`, expected: `SHA-256 ${file.gz.sha256} (${file.gz.bytes} bytes)`, found: failures.join('; ') || 'no mirrors configured' },
  );
}

async function fromMirror(ctx: DownloadContext, url: string, progress: Progress): Promise<{ raw: Uint8Array; path: string }> {
  const { file, dir } = ctx;
  const controller = new AbortController();
  const onAbort = () => controller.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal?.aborted) controller.abort(ctx.signal.reason);
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort(new Error(`no data for ${ctx.timeout / 1000} s`));
    }, ctx.timeout);
  };
  const temp = join(dir, `.${file.name}.gz.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  let handle: FileHandle | undefined;
  let kept = false;
  const local = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      throw new LocalFailure(`${ctx.spec.name}: cannot ${what} (${describe(error)})`, { cause: error });
    }
  };
  try {
    watch();
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    // The official .gz, or (when a server adds Content-Encoding: gzip) the decompressed file.
    const most = Math.max(file.gz.bytes, file.raw.bytes);
    const announced = Number(response.headers.get('content-length') ?? NaN);
    if (announced > most) {
      await response.body.cancel().catch(() => {});
      throw new Error(`the server announces ${announced} bytes, more than the ${most} the file can have`);
    }
    handle = await local(`write ${temp}`, () => open(temp, 'wx'));
    const chunks: Uint8Array[] = [];
    let received = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      watch();
      received += chunk.length;
      if (received > most) {
        await reader.cancel().catch(() => {});
        throw new Error(`received more than the ${most} bytes the file can have`);
      }
      chunks.push(chunk);
      const h = handle;
      await local(`write ${temp}`, () => h.write(chunk));
      progress.update(received);
    }
    clearTimeout(timer);
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    // Throws a DatasetError (and the temporary file is removed below) unless it is the official file.
    const raw = await decodeFile(nodePlatform, file, bytes, url, true);
    const h = handle;
    await local(`write ${temp}`, async () => {
      await h.sync();
      await h.close();
    });
    handle = undefined;
    const path = join(dir, storedName(file, bytes));
    await local(`move ${temp} to ${path}`, () => rename(temp, path));
    kept = true;
    await syncDirectory(dir);
    progress.done(path);
    return { raw, path };
  } catch (error) {
    if (stalled) throw new Error(`no data for ${ctx.timeout / 1000} s`);
    throw error;
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
    await handle?.close().catch(() => {});
    if (!kept) await rm(temp, { force: true }).catch(() => {});
  }
}

/** Makes a rename durable (best effort: not every platform can open a directory). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and some file systems refuse; the rename itself is still atomic.
  } finally {
    await handle?.close().catch(() => {});
  }
}
