/**
 * UTF-8 through the runtime's TextEncoder / TextDecoder, which every browser and Node have but the
 * ES libraries core compiles against do not declare.
 */
interface TextCodecGlobals {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => { decode(bytes: Uint8Array): string };
}

const codecs = (): TextCodecGlobals => globalThis as unknown as TextCodecGlobals;

/** The UTF-8 bytes of `text`. */
export function utf8Encode(text: string): Uint8Array {
  return new (codecs().TextEncoder)().encode(text);
}

/** Text from UTF-8 `bytes`; with `fatal`, invalid UTF-8 throws instead of becoming U+FFFD. */
export function utf8Decode(bytes: Uint8Array, fatal = false): string {
  return new (codecs().TextDecoder)('utf-8', { fatal, ignoreBOM: true }).decode(bytes);
}
