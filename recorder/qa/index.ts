// Episode QA: per episode pass / warn / fail with reasons (contract in ./api.ts).
export * from "./api.ts";
export { runQa, readCachedQa, qaKey } from "./run.ts";
