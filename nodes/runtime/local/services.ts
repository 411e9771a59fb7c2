// Services inside the process: a registry by name, clients that wait for a server, and calls
// that run the handler from the executor and resolve the caller from the executor, like a
// request and a response crossing the middleware. Requests and responses are deep-copied so
// neither side shares objects with the other.
import type { RosMessage, Service, ServiceClient, ServiceHandler } from "../api.ts";
import type { RuntimeCore } from "./core.ts";

export class LocalService implements Service {
  private destroyed = false;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly nodeName: string,
    readonly handler: ServiceHandler,
  ) {}

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

export class ServiceRegistry {
  private readonly servers = new Map<string, LocalService>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly pendingCalls = new Set<(error: Error) => void>();

  add(service: LocalService): void {
    const existing = this.servers.get(service.name);
    if (existing !== undefined) {
      throw new Error(`service ${service.name} is already provided by node ${existing.nodeName}; only one server per name`);
    }
    this.servers.set(service.name, service);
    const waiting = this.waiters.get(service.name);
    this.waiters.delete(service.name);
    for (const wake of waiting ?? []) wake();
  }

  remove(service: LocalService): void {
    if (this.servers.get(service.name) === service) this.servers.delete(service.name);
    service.destroy();
  }

  find(name: string): LocalService | undefined {
    return this.servers.get(name);
  }

  onAvailable(name: string, wake: () => void): () => void {
    let set = this.waiters.get(name);
    if (set === undefined) this.waiters.set(name, (set = new Set()));
    set.add(wake);
    return () => set.delete(wake);
  }

  trackCall(fail: (error: Error) => void): () => void {
    this.pendingCalls.add(fail);
    return () => this.pendingCalls.delete(fail);
  }

  /** Shutdown: every outstanding call fails instead of hanging forever. */
  failAll(reason: string): void {
    for (const fail of [...this.pendingCalls]) fail(new Error(reason));
    this.pendingCalls.clear();
    this.waiters.clear();
  }
}

export class LocalServiceClient implements ServiceClient {
  constructor(
    private readonly core: RuntimeCore,
    readonly name: string,
    readonly type: string,
    private readonly nodeName: string,
  ) {}

  waitForService(timeoutMs: number): Promise<boolean> {
    if (this.server() !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const stopWaiting = this.core.services.onAvailable(this.name, () => {
        clearTimeout(timer);
        resolve(true);
      });
      const timer = setTimeout(() => {
        stopWaiting();
        resolve(false);
      }, Math.max(0, timeoutMs));
    });
  }

  /** Waits up to `timeoutMs` (default: the runtime's service call timeout) for a server and its response. */
  async call(request: RosMessage, timeoutMs = this.core.serviceCallTimeoutMs): Promise<RosMessage> {
    this.core.assertAlive(`call to service ${this.name}`);
    const started = Date.now();
    if (!(await this.waitForService(timeoutMs))) {
      throw new Error(
        `service ${this.name} (${this.type}) is not available: no server appeared within ${timeoutMs} ms ` +
          `(called from node ${this.nodeName})`,
      );
    }
    const server = this.server() as LocalService;
    const remainingMs = Math.max(0, timeoutMs - (Date.now() - started));
    const sent = structuredClone(request);
    return new Promise<RosMessage>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        untrack();
        outcome();
      };
      const untrack = this.core.services.trackCall((error) => finish(() => reject(error)));
      const timer = setTimeout(() => {
        finish(() =>
          reject(new Error(`service call ${this.name} (${this.type}) timed out after ${timeoutMs} ms waiting for the response`)),
        );
      }, remainingMs);
      this.core.executor.enqueue({
        run: () => {
          if (settled || server.isDestroyed) return;
          let result: RosMessage | Promise<RosMessage>;
          try {
            result = server.handler(sent);
          } catch (error) {
            finish(() => reject(handlerError(this.name, server.nodeName, error)));
            return;
          }
          Promise.resolve(result).then(
            (response) => {
              const received = structuredClone(response);
              this.core.executor.enqueue({ run: () => finish(() => resolve(received)) });
            },
            (error: unknown) => finish(() => reject(handlerError(this.name, server.nodeName, error))),
          );
        },
      });
    });
  }

  private server(): LocalService | undefined {
    const server = this.core.services.find(this.name);
    if (server !== undefined && server.type !== this.type) {
      throw new Error(`type mismatch on service ${this.name}: the client uses ${this.type}, the server provides ${server.type}`);
    }
    return server;
  }
}

function handlerError(service: string, node: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`service ${service} handler on node ${node} failed: ${reason}`, { cause: error });
}
