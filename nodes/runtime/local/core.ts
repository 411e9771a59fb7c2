// What every local entity shares: the executor, the topic graph, the service registry, the codec
// and the runtime's reporting hooks. One object, passed down, instead of a web of back-references.
import type { MessageCodec } from "../codec.ts";
import type { HostClock } from "../host-clock.ts";
import type { Executor } from "./executor.ts";
import type { TopicGraph } from "./graph.ts";
import type { ServiceRegistry } from "./services.ts";

export interface RuntimeCore {
  readonly executor: Executor;
  readonly graph: TopicGraph;
  readonly services: ServiceRegistry;
  readonly codec: MessageCodec;
  readonly hostClock: HostClock;
  readonly serviceCallTimeoutMs: number;
  /** One line for a human (warnings, notices). */
  log(line: string): void;
  /** A user callback threw; `where` names the node and entity. */
  callbackFailed(error: unknown, where: string): void;
  /** Throws if the runtime has been shut down. */
  assertAlive(what: string): void;
}
