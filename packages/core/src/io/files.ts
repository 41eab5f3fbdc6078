/**
 * Reading and writing weights files on Node.js.
 *
 * `node:fs` and `node:path` are looked up at call time through `process.getBuiltinModule`, never
 * imported, so that bundling core for a browser pulls in nothing and importing this module there
 * costs nothing; calling these functions there throws a `WeightsFileError` that points to
 * `encodeSafetensors` / `decodeSafetensors`, which need no file system.
 */
import { ArgumentError } from '../errors.js';
import { WeightsFileError } from './weights-error.js';

// The few shapes of Node's fs and path used here (core compiles without Node's types).
interface NodeFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}
interface NodeStats {
  mode: number;
  isFile(): boolean;
}
interface NodeFsPromises {
  open(path: string, flags: string, mode?: number): Promise<NodeFileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<NodeStats>;
  chmod(path: string, mode: number): Promise<void>;
}
interface NodeFs {
  promises: NodeFsPromises;
}
interface NodePath {
  dirname(path: string): string;
  basename(path: string): string;
  join(...parts: string[]): string;
}
interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  pid?: number;
  platform?: string;
}
interface NodeSystemError {
  code?: string;
  message?: string;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

function nodeModules(op: string): { fs: NodeFsPromises; path: NodePath } {
  const proc = nodeProcess();
  const fs = proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  const path = proc?.getBuiltinModule?.('node:path') as NodePath | undefined;
  if (!fs?.promises || !path) {
    throw new WeightsFileError(
      `${op} needs Node.js file access (node:fs through process.getBuiltinModule, Node 20.16 or later); ` +
        'use encodeSafetensors / decodeSafetensors with your own storage in browsers',
    );
  }
  return { fs: fs.promises, path };
}

function checkPath(op: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ArgumentError(`${op}: path must be a non-empty string, got ${path === '' ? 'an empty string' : typeof path}`);
  }
}

/** What a system error code means, for messages. */
function explain(error: unknown): string {
  const code = (error as NodeSystemError | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory (ENOENT)';
    case 'EISDIR':
      return 'it is a directory (EISDIR)';
    case 'ENOTDIR':
      return 'a component of the path is not a directory (ENOTDIR)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EROFS':
      return 'read-only file system (EROFS)';
    default: {
      const message = (error as NodeSystemError | null)?.message ?? String(error);
      return code ? `${message} (${code})` : message;
    }
  }
}

let tempCounter = 0;

/**
 * Writes `bytes` to `path` atomically: readers see either the old file or the complete new one,
 * never a partial write, even if the process dies midway.
 *
 * The bytes go to a new temporary file in the same directory (`.<name>.<pid>.<n>.<random>.tmp`,
 * created exclusively), which is flushed to disk (fsync) and then renamed over `path`. When `path`
 * is a symbolic link, the file it points to is replaced. An existing file's permission bits are
 * kept. On any failure the temporary file is removed and `path` is left as it was.
 *
 * Node.js only (≥ 20.16): elsewhere it throws a WeightsFileError.
 *
 * @param path - The file to create or replace. Its directory must exist.
 * @param bytes - The complete new contents.
 * @throws WeightsFileError naming the path and the reason (e.g. `ENOENT` when the directory is
 *   missing, `EISDIR` when `path` is a directory), with the system error as `cause`.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const op = 'writeFileAtomic';
  checkPath(op, path);
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(`${op}: bytes must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  const { fs, path: paths } = nodeModules(op);
  const proc = nodeProcess();

  let target = path;
  try {
    target = await fs.realpath(path);
  } catch {
    // A new file (or a dangling link): write to the path as given.
  }
  let mode: number | undefined;
  try {
    const stats = await fs.stat(target);
    if (stats.isFile()) mode = stats.mode & 0o7777;
  } catch {
    // Nothing there yet.
  }

  const directory = paths.dirname(target);
  let temp = '';
  let handle: NodeFileHandle | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      temp = paths.join(
        directory,
        `.${paths.basename(target)}.${proc?.pid ?? 0}.${++tempCounter}.${Math.random().toString(36).slice(2, 10)}.tmp`,
      );
      try {
        handle = await fs.open(temp, 'wx', 0o666);
        break;
      } catch (error) {
        temp = '';
        if ((error as NodeSystemError).code !== 'EEXIST' || attempt >= 9) throw error;
      }
    }
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, written);
      written += bytesWritten;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (mode !== undefined) await fs.chmod(temp, mode);
    await fs.rename(temp, target);
    temp = '';
  } catch (error) {
    if (handle) await handle.close().catch(() => undefined);
    if (temp) await fs.unlink(temp).catch(() => undefined);
    throw new WeightsFileError(`${op}: could not write ${JSON.stringify(path)}: ${explain(error)}`, { cause: error });
  }

  // Make the rename itself durable. Best effort: some platforms (Windows) cannot open a directory.
  if (proc?.platform !== 'win32') {
    try {
      const dir = await fs.open(directory, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // The file is in place either way.
    }
  }
}

/**
 * Reads a whole file into memory.
 *
 * Node.js only (≥ 20.16): elsewhere it throws a WeightsFileError.
 *
 * @param path - The file to read.
 * @returns Its bytes, as a plain Uint8Array view (no copy of what was read).
 * @throws WeightsFileError naming the path and the reason: no such file (`ENOENT`), a directory
 *   (`EISDIR`), permission denied, and so on, with the system error as `cause`.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const op = 'readFileBytes';
  checkPath(op, path);
  const { fs } = nodeModules(op);
  let contents: Uint8Array;
  try {
    contents = await fs.readFile(path);
  } catch (error) {
    throw new WeightsFileError(`${op}: could not read ${JSON.stringify(path)}: ${explain(error)}`, { cause: error });
  }
  return new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength);
}
