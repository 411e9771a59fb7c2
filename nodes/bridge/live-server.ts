// Live view for other tools: the runtime's topics served over the Foxglove WebSocket protocol
// (the protocol foxglove_bridge speaks), so Foxglove and Lichtblick connect to teledemo as they
// would to a robot. Every topic with a known ROS 2 definition is advertised as a cdr channel with
// its rosbag2-format schema text — the raw sensor topics, and the sync node's aligned frames,
// clock models and stream health (teledemo_msgs) when it runs. A topic is subscribed (raw, no
// decoding) only while some client subscribes to it, so an idle live server costs nothing.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import wsProtocol, { type IWebSocket } from "@foxglove/ws-protocol";
import { WebSocketServer } from "ws";
import type { QosProfile, RuntimeNode, Subscription } from "../runtime/api.ts";

const { FoxgloveServer } = wsProtocol;

export interface LiveServerOptions {
  /** The node whose view of the graph is served (it subscribes on clients' behalf). */
  node: RuntimeNode;
  /** rosbag2-format schema text of a type, or undefined if its definition is unknown. */
  schemaText: (type: string) => string | undefined;
  port: number;
  /** Default 127.0.0.1; "0.0.0.0" serves other machines. */
  host?: string;
  name?: string;
  /** Topics not to serve. */
  exclude?: (topic: string) => boolean;
  log: (line: string) => void;
  /** Discovery period, ms (new topics appear within it). */
  discoverMs?: number;
  /** A client further behind than this many bytes has messages dropped rather than buffered. */
  maxBufferedBytes?: number;
  /** Queue depth of the node's subscriptions (a live view may drop the oldest when it lags). */
  depth?: number;
}

interface Served {
  channelId: number;
  topic: string;
  type: string;
  subscription: Subscription | undefined;
}

export class LiveServer {
  private readonly server: InstanceType<typeof FoxgloveServer>;
  private readonly wss: WebSocketServer;
  private readonly byTopic = new Map<string, Served>();
  private readonly byChannel = new Map<number, Served>();
  private readonly warned = new Set<string>();
  private discoverTimer: NodeJS.Timeout | undefined;
  /** Messages dropped because a client could not keep up. */
  dropped = 0;
  sent = 0;

  private constructor(
    private readonly options: LiveServerOptions,
    private readonly http: Server,
    readonly port: number,
  ) {
    this.server = new FoxgloveServer({ name: options.name ?? "teledemo", capabilities: [], supportedEncodings: ["cdr"] });
    this.wss = new WebSocketServer({ server: http, handleProtocols: (protocols) => this.server.handleProtocols(protocols) });
    this.wss.on("connection", (conn, req) => this.server.handleConnection(conn as unknown as IWebSocket, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
    this.server.on("subscribe", (channelId) => this.subscribe(channelId));
    this.server.on("unsubscribe", (channelId) => this.unsubscribe(channelId));
    this.server.on("error", (err) => this.warnOnce(`error:${err.message}`, `live: ${err.message}`));
    this.discover();
    this.discoverTimer = setInterval(() => this.discover(), options.discoverMs ?? 500);
  }

  static async start(options: LiveServerOptions): Promise<LiveServer> {
    const http = createServer((_req, res) => {
      res.writeHead(426, { "content-type": "text/plain" }).end("teledemo live view: connect with the Foxglove WebSocket protocol (foxglove.websocket.v1)\n");
    });
    await new Promise<void>((resolve, reject) => {
      http.once("error", (err: NodeJS.ErrnoException) =>
        reject(new Error(err.code === "EADDRINUSE" ? `port ${options.port} is already in use` : `cannot listen on port ${options.port}: ${err.message}`)),
      );
      http.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
    });
    return new LiveServer(options, http, (http.address() as AddressInfo).port);
  }

  get url(): string {
    return `ws://${this.options.host ?? "127.0.0.1"}:${this.port}`;
  }

  /** Topics advertised so far. */
  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  /** Advertises every topic of the graph not served yet. */
  discover(): void {
    for (const { name, types } of this.options.node.getTopicNamesAndTypes()) {
      const type = types[0];
      if (type === undefined || this.byTopic.has(name) || this.options.exclude?.(name)) continue;
      const schema = this.options.schemaText(type);
      if (schema === undefined) {
        this.warnOnce(`schema:${type}`, `live: not serving ${name}: no definition of ${type}`);
        continue;
      }
      const offered = this.options.node.getPublishersInfoByTopic(name).map((p) => p.qos);
      const channelId = this.server.addChannel({
        topic: name,
        encoding: "cdr",
        schemaName: type,
        schema,
        schemaEncoding: "ros2msg",
        // Not part of the protocol: teledemo's bridge source reads it, other clients ignore it.
        ...(offered.length > 0 ? { offered_qos: offered } : {}),
      } as Parameters<typeof this.server.addChannel>[0]);
      const served: Served = { channelId, topic: name, type, subscription: undefined };
      this.byTopic.set(name, served);
      this.byChannel.set(channelId, served);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.discoverTimer);
    for (const served of this.byChannel.values()) this.unsubscribe(served.channelId);
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Drops every client connection (tests: a network drop as the client sees it). */
  dropClients(): void {
    for (const client of this.wss.clients) client.terminate();
  }

  private subscribe(channelId: number): void {
    const served = this.byChannel.get(channelId);
    if (served === undefined || served.subscription !== undefined) return;
    const offered = this.options.node.getPublishersInfoByTopic(served.topic).map((p) => p.qos);
    served.subscription = this.options.node.createSubscription(served.type, served.topic, { isRaw: true, qos: viewerQos(offered, this.options.depth ?? 100) }, (data, info) => {
      if (this.clientsBehind()) {
        this.dropped++;
        return;
      }
      this.sent++;
      this.server.sendMessage(channelId, info.receivedTimestamp, data as Uint8Array<ArrayBuffer>);
    });
  }

  private unsubscribe(channelId: number): void {
    const served = this.byChannel.get(channelId);
    if (served?.subscription === undefined) return;
    this.options.node.destroySubscription(served.subscription);
    served.subscription = undefined;
  }

  private clientsBehind(): boolean {
    const limit = this.options.maxBufferedBytes ?? 64 * 1024 * 1024;
    for (const client of this.wss.clients) if (client.bufferedAmount > limit) return true;
    return false;
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.log(line);
  }
}

/** A viewer takes whatever is offered: best effort unless every publisher is reliable, latched
 * only if every publisher is (as rosbag2 adapts, so it matches all of them). */
function viewerQos(offered: QosProfile[], depth: number): QosProfile {
  const all = (p: (q: QosProfile) => boolean) => offered.length > 0 && offered.every(p);
  return {
    history: "keep_last",
    depth,
    reliability: all((q) => q.reliability === "reliable") ? "reliable" : "best_effort",
    durability: all((q) => q.durability === "transient_local") ? "transient_local" : "volatile",
  };
}
