/**
 * Finding a software Vulkan driver (SwiftShader) for Node on machines without a GPU. Dawn needs a
 * Vulkan ICD; Debian's `chromium` / `chromium-common` packages ship SwiftShader's. Node only.
 */

/** Directories searched for `vk_swiftshader_icd.json`, in order. */
export function swiftShaderCandidates(env: Record<string, string | undefined> = nodeEnv()): string[] {
  const dirs: string[] = [];
  const extracted = env.TENSORKIT_SWIFTSHADER_DIR?.trim();
  if (extracted) dirs.push(extracted, `${extracted}/usr/lib/chromium`);
  dirs.push('/usr/lib/chromium', '/usr/lib64/chromium', '/usr/lib/chromium-browser');
  return dirs;
}

function nodeEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/**
 * The path of SwiftShader's Vulkan ICD file: in `TENSORKIT_SWIFTSHADER_DIR` (an extracted
 * `chromium-common` package, or the folder holding the file) or in `/usr/lib/chromium`; null if none.
 */
export async function findSwiftShaderIcd(env: Record<string, string | undefined> = nodeEnv()): Promise<string | null> {
  const { existsSync } = await import('node:fs');
  for (const dir of swiftShaderCandidates(env)) {
    const file = `${dir.replace(/\/$/, '')}/vk_swiftshader_icd.json`;
    if (existsSync(file)) return file;
  }
  return null;
}

/**
 * Points the Vulkan loader at SwiftShader when no ICD is chosen yet (`VK_ICD_FILENAMES` unset) and
 * `TENSORKIT_WEBGPU_SOFTWARE` is not `0`. Must run before the first adapter request. Returns the
 * ICD used, or null. Note: the Vulkan loader itself (`libvulkan.so.1`) must be loadable: install
 * Debian's `libvulkan1`, or start Node with `LD_LIBRARY_PATH=<dir of the ICD>` (chromium ships one).
 */
export async function useSwiftShaderIfNeeded(env: Record<string, string | undefined> = nodeEnv()): Promise<string | null> {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return env.VK_ICD_FILENAMES ?? env.VK_DRIVER_FILES ?? null;
  if (env.TENSORKIT_WEBGPU_SOFTWARE === '0') return null;
  const icd = await findSwiftShaderIcd(env);
  if (icd) env.VK_ICD_FILENAMES = icd;
  return icd;
}
