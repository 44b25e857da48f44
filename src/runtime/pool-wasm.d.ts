// Runs in Node: the few WebAssembly globals the engine pool uses. The Node-side tsconfig has no DOM lib, and
// @types/node 20 does not declare WebAssembly, so they are declared here (shapes as in lib.dom.d.ts).

declare namespace WebAssembly {
  /** A compiled module; structured-cloneable to worker threads. */
  class Module {
    constructor(bytes: ArrayBuffer | ArrayBufferView)
  }
  /** An instantiated module. */
  class Instance {
    constructor(module: Module, importObject?: Record<string, Record<string, unknown>>)
    readonly exports: Record<string, unknown>
  }
}
