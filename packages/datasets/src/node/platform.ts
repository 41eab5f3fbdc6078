/** SHA-256, gunzip and partial reads with Node's `crypto`, `zlib` and `fs`. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzip as gunzipCallback } from 'node:zlib';
import { gunzipError, type Platform } from '../verify.js';

function zlibReason(error: unknown): string {
  const e = error as { message?: string; code?: string };
  return e.code ? `${e.message ?? String(error)}, ${e.code}` : e.message ?? String(error);
}

export const nodePlatform: Platform = {
  async sha256(bytes) {
    return createHash('sha256').update(bytes).digest('hex');
  },
  gunzip(bytes, source) {
    // zlib's asynchronous gunzip runs on the thread pool, so the four files decompress in parallel.
    return new Promise((resolve, reject) => {
      gunzipCallback(bytes, (error, result) => {
        if (error) reject(gunzipError(source, zlibReason(error), error));
        else resolve(new Uint8Array(result.buffer, result.byteOffset, result.byteLength));
      });
    });
  },
};

/**
 * The first `need` bytes of a file's IDX contents (gunzipping on the fly when it is gzip), reading
 * and decompressing no further than needed. `complete` tells whether the whole file was read.
 */
export async function readPrefix(path: string, need: number): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const handle = await open(path);
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    if (!(bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b)) {
      const bytes = new Uint8Array(need + 1); // one more, to tell whether the file goes on
      let have = 0;
      while (have < bytes.length) {
        const { bytesRead: n } = await handle.read(bytes, have, bytes.length - have, have);
        if (n === 0) break;
        have += n;
      }
      return { bytes: bytes.subarray(0, Math.min(have, need)), complete: have <= need };
    }
  } finally {
    await handle.close();
  }
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  const chunks: Uint8Array[] = [];
  let have = 0;
  let complete = true;
  try {
    for await (const chunk of file.pipe(gunzip)) {
      chunks.push(chunk as Buffer);
      have += (chunk as Buffer).length;
      if (have >= need) {
        complete = false;
        break;
      }
    }
  } catch (error) {
    throw (error as { code?: string }).code === 'ENOENT' ? error : gunzipError(path, zlibReason(error), error);
  } finally {
    gunzip.destroy();
    file.destroy();
  }
  const bytes = new Uint8Array(have);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, complete };
}
