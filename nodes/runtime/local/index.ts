export { LocalRuntime } from "./runtime.ts";
export type { LocalRuntimeOptions, SubscriptionDiagnostics } from "./runtime.ts";
