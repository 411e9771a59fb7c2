// The Runtime over real rclnodejs: one rcl context (rclnodejs's default), every node spun by
// rclnodejs's own executor once spin() is called.
import type { NodeOptions, ParameterValue, Runtime, RuntimeNode } from "../api.ts";
import { normalizeNamespace, validateNodeName } from "../names.ts";
import { declaredParameterKind } from "../parameter-values.ts";
import type { AdapterContext } from "./node.ts";
import { RclnodejsNode } from "./node.ts";
import { rclTypeOf } from "./parameter-mapping.ts";
import type { RclnodejsSurface, RclParameter } from "./surface.ts";

export interface RclnodejsRuntimeOptions {
  /** The loaded module (see load.ts); tests pass a fake. */
  rclnodejs: RclnodejsSurface;
  log?: (line: string) => void;
  serviceCallTimeoutMs?: number;
  onCallbackError?: (error: unknown, where: string) => void;
}

export class RclnodejsRuntime implements Runtime {
  readonly kind = "ros" as const;
  private readonly rcl: RclnodejsSurface;
  private readonly ctx: AdapterContext;
  private readonly nodes: RclnodejsNode[] = [];
  private spinning = false;
  private shutDown = false;

  private constructor(options: RclnodejsRuntimeOptions) {
    this.rcl = options.rclnodejs;
    const log = options.log ?? ((line: string) => console.warn(line));
    const callbackFailed =
      options.onCallbackError ??
      ((error: unknown, where: string) => log(`teledemo: callback of ${where} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    this.ctx = {
      rcl: this.rcl,
      serviceCallTimeoutMs: options.serviceCallTimeoutMs ?? 10_000,
      callbackFailed,
      assertAlive: (what) => {
        if (this.shutDown) throw new Error(`${what}: the runtime has been shut down`);
      },
      isAlive: () => !this.shutDown,
    };
  }

  /** Initializes rclnodejs's default context (parsing --ros-args from process.argv, as ROS nodes do). */
  static async create(options: RclnodejsRuntimeOptions): Promise<RclnodejsRuntime> {
    await options.rclnodejs.init();
    return new RclnodejsRuntime(options);
  }

  createNode(name: string, namespace?: string, options: NodeOptions = {}): RuntimeNode {
    this.ctx.assertAlive(`createNode(${name})`);
    validateNodeName(name);
    const overrides = new Map(Object.entries(options.parameterOverrides ?? {}));
    const nodeOptions = new this.rcl.NodeOptions();
    // rclnodejs applies these when the node (or its time source, for use_sim_time) declares them.
    nodeOptions.parameterOverrides = [...overrides].map(([key, value]) => this.overrideParameter(key, value));
    const namespaceArg = normalizeNamespace(namespace);
    const inner = new this.rcl.Node(name, namespaceArg === "/" ? "" : namespaceArg, undefined, nodeOptions);
    const node = new RclnodejsNode(this.ctx, inner, overrides);
    this.nodes.push(node);
    if (this.spinning) inner.spin();
    return node;
  }

  spin(): void {
    this.ctx.assertAlive("spin");
    if (this.spinning) return;
    this.spinning = true;
    for (const node of this.nodes) node.inner.spin();
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    // Shutting the context down destroys its nodes, timers and subscriptions.
    if (!this.rcl.isShutdown()) this.rcl.shutdown();
  }

  private overrideParameter(name: string, value: ParameterValue): RclParameter {
    const kind = declaredParameterKind(name, value, undefined);
    return new this.rcl.Parameter(name, rclTypeOf(this.rcl.ParameterType, kind), value);
  }
}
