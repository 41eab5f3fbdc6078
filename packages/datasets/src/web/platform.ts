/** SHA-256 with `crypto.subtle` and gunzip with `DecompressionStream`: browsers, workers, Deno, Node. */
import { DatasetError } from '../errors.js';
import { gunzipError, type Platform } from '../verify.js';

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** A copy on its own ArrayBuffer, as Web APIs typed for `BufferSource` want. */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

export const webPlatform: Platform = {
  async sha256(bytes) {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) {
      throw new DatasetError('cannot verify checksums: crypto.subtle is unavailable (pages must be served over HTTPS or from localhost); pass verify: false to skip verification');
    }
    const digest = new Uint8Array(await subtle.digest('SHA-256', own(bytes)));
    let hex = '';
    for (const b of digest) hex += HEX[b];
    return hex;
  },
  async gunzip(bytes, source) {
    if (typeof DecompressionStream === 'undefined') {
      throw new DatasetError(`${source}: cannot gunzip: this platform has no DecompressionStream; serve the uncompressed files and pass compressed: false`, { file: source });
    }
    try {
      const stream = new Blob([own(bytes)]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (error) {
      throw gunzipError(source, error instanceof Error ? error.message : String(error), error);
    }
  },
};

/** All of a response's body, reporting progress. */
export async function readAll(response: Response, onChunk: (loaded: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onChunk(loaded);
  }
  return concat(chunks, loaded);
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The first `need` bytes of the IDX contents of a response (gunzipped on the fly when the body is
 * gzip), then cancels the rest of the download. `complete` tells whether the whole body was read.
 */
export async function readPrefix(response: Response, need: number, source: string): Promise<{ bytes: Uint8Array; complete: boolean }> {
  if (!response.body) return { bytes: new Uint8Array(await response.arrayBuffer()), complete: true };
  const body = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  // Gather at least two bytes to see whether this is gzip.
  let ended = false;
  while (have < 2) {
    const { done, value } = await body.read();
    if (done) {
      ended = true;
      break;
    }
    chunks.push(value);
    have += value.length;
  }
  const head = concat(chunks, have);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  let reader: ReadableStreamDefaultReader<Uint8Array> = body;
  let pending: Uint8Array | undefined = head;
  if (gzip) {
    if (typeof DecompressionStream === 'undefined') {
      await body.cancel().catch(() => {});
      return { bytes: await webPlatform.gunzip(head, source), complete: true }; // throws: no DecompressionStream
    }
    const replay = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        controller.enqueue(own(head));
        if (ended) controller.close();
      },
      async pull(controller) {
        const { done, value } = await body.read();
        if (done) controller.close();
        else controller.enqueue(own(value));
      },
      cancel(reason) {
        return body.cancel(reason);
      },
    });
    reader = replay.pipeThrough(new DecompressionStream('gzip')).getReader() as ReadableStreamDefaultReader<Uint8Array>;
    pending = undefined;
  }
  const out: Uint8Array[] = pending ? [pending] : [];
  let got = pending ? pending.length : 0;
  let complete = pending ? ended : false;
  try {
    while (got < need && !(pending && ended)) {
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        break;
      }
      out.push(value);
      got += value.length;
    }
  } catch (error) {
    throw gzip ? gunzipError(source, error instanceof Error ? error.message : String(error), error) : error;
  }
  if (!complete) await reader.cancel().catch(() => {});
  return { bytes: concat(out, got), complete };
}
