export { RclnodejsRuntime } from "./runtime.ts";
export type { RclnodejsRuntimeOptions } from "./runtime.ts";
export { loadRclnodejs } from "./load.ts";
export type { RclnodejsSurface } from "./surface.ts";
