export { BridgeClient, parseBridgeUrl } from "./client.ts";
export type { BridgeClientOptions, BridgeEvent } from "./client.ts";
export { BridgeSource } from "./source.ts";
export type { BridgeSourceOptions } from "./source.ts";
export { LiveServer } from "./live-server.ts";
export type { LiveServerOptions } from "./live-server.ts";
export { offeredQosOf, rosChannelOf } from "./channel.ts";
export type { AdvertisedChannel, RosChannel } from "./channel.ts";
