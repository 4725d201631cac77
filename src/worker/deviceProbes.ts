/**
 * What the browser says about its GPU, before tfjs is involved: the WebGPU adapter's facts and
 * WebGL's renderer string. Used by the training worker (Automatic skips software adapters and
 * renderers) and by the step bench's page, which names what it measured; both run in a browser
 * context with `navigator` and OffscreenCanvas.
 */
import type { AdapterFacts } from './backendChoice';

/** The WebGPU adapter's description, or why there is none. */
export async function probeWebGpu(): Promise<{ facts: AdapterFacts } | { unavailable: string }> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { unavailable: 'navigator.gpu is missing' };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { unavailable: 'navigator.gpu.requestAdapter() returned null' };
  // `isFallbackAdapter` moved from the adapter to its info (Chromium 130+); read both.
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } })
    .info;
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    facts: {
      vendor: info?.vendor,
      architecture: info?.architecture,
      device: info?.device,
      description: info?.description,
      isFallbackAdapter: info?.isFallbackAdapter === true || legacy === true,
    },
  };
}

/** WebGL's renderer string (unmasked when the browser allows), or why there is no WebGL. */
export function probeWebGl(): { renderer: string | null } | { unavailable: string } {
  if (typeof OffscreenCanvas === 'undefined') {
    return { unavailable: 'OffscreenCanvas is not available in this worker' };
  }
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { unavailable: 'no WebGL2 context' };
  try {
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl.getParameter(
      debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER,
    ) as unknown;
    return { renderer: typeof renderer === 'string' ? renderer : null };
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
