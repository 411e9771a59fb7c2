// The in-process runtime: ROS 2 semantics (QoS, raw CDR delivery, services, parameters, timers,
// sim time) for nodes that run when ROS 2 is not sourced.
import type { Nanos, NodeOptions, Runtime, RuntimeNode } from "../api.ts";
import type { MessageCodec } from "../codec.ts";
import { hostNow } from "../host-clock.ts";
import type { RuntimeCore } from "./core.ts";
import { Executor } from "./executor.ts";
import { TopicGraph } from "./graph.ts";
import { LocalNode } from "./node.ts";
import { ServiceRegistry } from "./services.ts";

export interface LocalRuntimeOptions {
  codec: MessageCodec;
  /** Where warnings go (one line each); default: console.warn. */
  log?: (line: string) => void;
  /** Host clock in epoch ns; default: Date.now() anchor + process.hrtime. Injectable for tests. */
  hostClock?: () => Nanos;
  /** How long ServiceClient.call waits for a server and its response; default 10 s. */
  serviceCallTimeoutMs?: number;
  /** A user callback threw. Default: log it (with where it happened) and keep running. */
  onCallbackError?: (error: unknown, where: string) => void;
}

/** Per-subscription counters, for health displays and benchmarks. */
export interface SubscriptionDiagnostics {
  node: string;
  topic: string;
  type: string;
  isRaw: boolean;
  queued: number;
  delivered: number;
  dropped: number;
}

export class LocalRuntime implements Runtime {
  readonly kind = "local" as const;
  private readonly core: RuntimeCore;
  private readonly executor: Executor;
  private readonly services = new ServiceRegistry();
  private readonly nodes = new Set<LocalNode>();
  private shutDown = false;

  constructor(options: LocalRuntimeOptions) {
    const log = options.log ?? ((line: string) => console.warn(line));
    const callbackFailed =
      options.onCallbackError ??
      ((error: unknown, where: string) => log(`teledemo: callback of ${where} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    this.executor = new Executor((error) => callbackFailed(error, "the executor"));
    const graph = new TopicGraph(() => this.core);
    this.core = {
      executor: this.executor,
      graph,
      services: this.services,
      codec: options.codec,
      hostClock: options.hostClock ?? hostNow,
      serviceCallTimeoutMs: options.serviceCallTimeoutMs ?? 10_000,
      log,
      callbackFailed,
      assertAlive: (what) => {
        if (this.shutDown) throw new Error(`${what}: the runtime has been shut down`);
      },
    };
  }

  createNode(name: string, namespace?: string, options?: NodeOptions): RuntimeNode {
    this.core.assertAlive(`createNode(${name})`);
    const node = new LocalNode(this.core, name, namespace, options);
    this.nodes.add(node);
    return node;
  }

  spin(): void {
    this.core.assertAlive("spin");
    this.executor.start();
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    this.executor.stop();
    for (const node of this.nodes) node.stopTimers();
    this.services.failAll("service call aborted: the runtime was shut down");
  }

  diagnostics(): SubscriptionDiagnostics[] {
    return this.core.graph.subscriptions().map((s) => ({
      node: s.owner.fullyQualifiedName,
      topic: s.topic,
      type: s.type,
      isRaw: s.isRaw,
      queued: s.queued,
      delivered: s.delivered,
      dropped: s.dropped,
    }));
  }
}
