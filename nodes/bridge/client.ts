// A Foxglove WebSocket protocol client that stays connected: it subscribes to every advertised
// channel it is asked to, hands each message on with its arrival time, and after a network drop
// reconnects with exponential backoff, reporting the gap so the recorder can mark it. A
// watchdog (ws ping) notices a silent drop (cable pulled, Wi-Fi gone) that TCP alone would
// report only minutes later.
import wsProtocol, { type IWebSocket } from "@foxglove/ws-protocol";
import WebSocket from "ws";
import type { Nanos } from "../runtime/api.ts";
import { rosChannelOf, type RosChannel } from "./channel.ts";

export type BridgeEvent =
  | { kind: "connected"; url: string; serverName: string; atNs: Nanos; attempt: number }
  | { kind: "disconnected"; url: string; reason: string; atNs: Nanos }
  | { kind: "reconnected"; url: string; atNs: Nanos; gapNs: Nanos; attempts: number }
  | { kind: "channel"; channel: RosChannel }
  | { kind: "skipped"; topic: string; reason: string }
  | { kind: "connect_failed"; url: string; reason: string; retryInMs: number };

export interface BridgeClientOptions {
  url: string;
  /** Topics to subscribe to (the bridge sends nothing else, saving the robot's uplink). */
  wants?: (topic: string) => boolean;
  onMessage: (channel: RosChannel, data: Uint8Array, arrivalNs: Nanos) => void;
  onEvent?: (event: BridgeEvent) => void;
  /** Host clock, ns (injectable for tests). */
  now?: () => Nanos;
  /** First reconnect delay and its cap, ms. */
  backoffMs?: { initial: number; max: number };
  /** Ping period; the connection is declared dead after `deadAfterPings` unanswered pings. */
  pingMs?: number;
  deadAfterPings?: number;
}

// The package is CommonJS: its classes are reachable only through the default export under ESM.
const { FoxgloveClient } = wsProtocol;

const hostNow = (): Nanos => BigInt(Date.now()) * 1_000_000n;

export class BridgeClient {
  private ws: WebSocket | undefined;
  private client: InstanceType<typeof FoxgloveClient> | undefined;
  /** Channels of the current connection (ids are per connection). */
  private channels = new Map<number, RosChannel>();
  /** Subscription id → channel, current connection. */
  private subscriptions = new Map<number, RosChannel>();
  private closed = false;
  private everConnected = false;
  private attempts = 0;
  private disconnectedAtNs: Nanos | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private unansweredPings = 0;
  private readonly now: () => Nanos;
  private firstConnection: { resolve: () => void; reject: (e: Error) => void } | undefined;
  /** Messages received over all connections. */
  received = 0;
  /** Number of reconnections (gaps) so far. */
  gaps = 0;

  constructor(private readonly options: BridgeClientOptions) {
    this.now = options.now ?? hostNow;
    const url = parseBridgeUrl(options.url);
    this.options = { ...options, url };
  }

  /** Connects; resolves once the server's info arrived, rejects if the first attempt fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstConnection = { resolve, reject };
      this.connect();
    });
  }

  get connected(): boolean {
    return this.client !== undefined && this.ws?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.client?.close();
    this.ws?.terminate();
  }

  private connect(): void {
    if (this.closed) return;
    this.attempts++;
    const ws = new WebSocket(this.options.url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL], { handshakeTimeout: 5000 });
    this.ws = ws;
    let opened = false;
    ws.on("pong", () => (this.unansweredPings = 0));
    ws.on("unexpected-response", (_req, res) => {
      this.failed(ws, `the server answered HTTP ${res.statusCode} instead of a WebSocket upgrade — is ${this.options.url} a foxglove_bridge?`);
    });
    ws.on("open", () => {
      opened = true;
      if (ws.protocol !== FoxgloveClient.SUPPORTED_SUBPROTOCOL) {
        this.failed(ws, `the server speaks subprotocol "${ws.protocol}", not ${FoxgloveClient.SUPPORTED_SUBPROTOCOL}`);
      }
    });
    // FoxgloveClient installs the on* handlers it needs; ws's addEventListener-style events
    // above run beside them.
    const client = new FoxgloveClient({ ws: ws as unknown as IWebSocket });
    this.client = client;
    this.channels = new Map();
    this.subscriptions = new Map();
    client.on("serverInfo", (info) => this.onServerInfo(info.name));
    client.on("advertise", (channels) => this.onAdvertise(channels));
    client.on("unadvertise", (ids) => {
      for (const id of ids) this.channels.delete(id);
    });
    client.on("message", ({ subscriptionId, data }) => {
      const channel = this.subscriptions.get(subscriptionId);
      if (channel === undefined) return;
      this.received++;
      // `data` is a view into the frame the client received; copy so the bytes are ours.
      this.options.onMessage(channel, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(), this.now());
    });
    let lastError: string | undefined;
    client.on("error", (error) => {
      // the close that follows reports it
      lastError = error.message;
    });
    client.on("close", (event) => {
      const reason =
        event.reason || (opened ? `connection closed (code ${event.code})` : `connection failed${lastError ? ` (${lastError})` : " (refused or unreachable)"}`);
      this.lost(ws, reason);
    });
  }

  private onServerInfo(serverName: string): void {
    const atNs = this.now();
    const attempts = this.attempts;
    this.attempts = 0;
    this.unansweredPings = 0;
    clearInterval(this.pingTimer);
    const pingMs = this.options.pingMs ?? 1000;
    const deadAfter = this.options.deadAfterPings ?? 3;
    const ws = this.ws;
    this.pingTimer = setInterval(() => {
      if (ws === undefined || ws.readyState !== WebSocket.OPEN) return;
      if (this.unansweredPings >= deadAfter) {
        this.failed(ws, `no answer to ${deadAfter} pings in ${(deadAfter * pingMs) / 1000} s`);
        return;
      }
      this.unansweredPings++;
      ws.ping();
    }, pingMs);
    this.emit({ kind: "connected", url: this.options.url, serverName, atNs, attempt: attempts });
    if (this.disconnectedAtNs !== undefined) {
      this.gaps++;
      this.emit({ kind: "reconnected", url: this.options.url, atNs, gapNs: atNs - this.disconnectedAtNs, attempts });
      this.disconnectedAtNs = undefined;
    }
    this.everConnected = true;
    this.firstConnection?.resolve();
    this.firstConnection = undefined;
  }

  private onAdvertise(channels: unknown[]): void {
    const client = this.client;
    if (client === undefined) return;
    for (const raw of channels) {
      const verdict = rosChannelOf(raw);
      if (!verdict.ok) {
        if (this.options.wants?.(verdict.topic) ?? true) this.emit({ kind: "skipped", topic: verdict.topic, reason: verdict.reason });
        continue;
      }
      const channel = verdict.channel;
      if (this.options.wants && !this.options.wants(channel.topic)) continue;
      this.channels.set(channel.id, channel);
      this.emit({ kind: "channel", channel });
      this.subscriptions.set(client.subscribe(channel.id), channel);
    }
  }

  /** Close a connection that is unusable; the close handler then reconnects. */
  private failed(ws: WebSocket, reason: string): void {
    this.lost(ws, reason);
    ws.terminate();
  }

  private lost(ws: WebSocket, reason: string): void {
    if (ws !== this.ws || this.client === undefined) return; // already handled
    this.client = undefined;
    clearInterval(this.pingTimer);
    if (this.closed) return;
    const atNs = this.now();
    if (!this.everConnected) {
      // The first connection never came up: the user's URL is wrong or the robot is off.
      this.firstConnection?.reject(new Error(`cannot connect to ${this.options.url}: ${reason}`));
      this.firstConnection = undefined;
      this.closed = true;
      return;
    }
    if (this.disconnectedAtNs === undefined) {
      this.disconnectedAtNs = atNs;
      this.emit({ kind: "disconnected", url: this.options.url, reason, atNs });
    }
    const { initial, max } = this.options.backoffMs ?? { initial: 250, max: 5000 };
    const retryInMs = Math.min(max, initial * 2 ** Math.max(0, this.attempts - 1));
    if (this.attempts > 0) this.emit({ kind: "connect_failed", url: this.options.url, reason, retryInMs });
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
  }

  private emit(event: BridgeEvent): void {
    this.options.onEvent?.(event);
  }
}

/** Accepts ws://host:port (and wss://); a bare host:port gets ws://. */
export function parseBridgeUrl(text: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `ws://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`--url "${text}" is not a WebSocket URL such as ws://robot:8765`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new Error(`--url "${text}" must use ws:// or wss:// (foxglove_bridge listens on ws://<robot>:8765)`);
  return url.toString().replace(/\/$/, "");
}
