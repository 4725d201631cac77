/**
 * Makes tfjs-wasm's threaded build survive minification. tfjs starts each thread-pool worker
 * from the *source text* of the Emscripten factory (`factory.toString()` in a blob). The factory
 * reads `_scriptDir`, a variable of its enclosing closure, which that worker does not have; the
 * original guards the read with `typeof _scriptDir !== "undefined"`, but the minifier renames the
 * variable and, knowing it is declared, drops the guard: every pool worker then dies with
 * "ReferenceError: e is not defined" and the backend never starts (tensorflow/tfjs#4253,
 * #4539). Declaring the variable inside the factory makes the text self-contained. (The value
 * is never needed: the worker passes its own `locateFile`, and tfjs sets `mainScriptUrlOrBlob`.)
 */
import type { Plugin } from 'vite';

const THREADED_MODULE = /tfjs-backend-wasm-threaded-simd\.js$/;
const FACTORY_START = 'WasmBackendModuleThreadedSimd = WasmBackendModuleThreadedSimd || {};';

/** The module's source with `_scriptDir` declared inside the factory; throws if it moved. */
export function selfContainedFactory(source: string): string {
  const at = source.indexOf(FACTORY_START);
  if (at < 0) {
    throw new Error('wasm-threads: the threaded tfjs-wasm factory no longer looks as expected');
  }
  const end = at + FACTORY_START.length;
  return `${source.slice(0, end)}\nvar _scriptDir = undefined;${source.slice(end)}`;
}

export function wasmThreads(): Plugin {
  return {
    name: 'tfjs-wasm-threads-self-contained',
    enforce: 'pre',
    transform(code, id) {
      if (!THREADED_MODULE.test(id.split('?')[0])) return null;
      return { code: selfContainedFactory(code), map: null };
    },
  };
}
