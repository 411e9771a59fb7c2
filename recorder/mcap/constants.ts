// MCAP record opcodes and the file magic (https://mcap.dev/spec). Our own writer and scanner use
// these; reading indexed files goes through @mcap/core.

export const MCAP_MAGIC = new Uint8Array([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a]);

export const Opcode = {
  Header: 0x01,
  Footer: 0x02,
  Schema: 0x03,
  Channel: 0x04,
  Message: 0x05,
  Chunk: 0x06,
  MessageIndex: 0x07,
  ChunkIndex: 0x08,
  Attachment: 0x09,
  AttachmentIndex: 0x0a,
  Statistics: 0x0b,
  Metadata: 0x0c,
  MetadataIndex: 0x0d,
  SummaryOffset: 0x0e,
  DataEnd: 0x0f,
} as const;

export const OPCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Opcode).map(([k, v]) => [v, k]));

/** opcode (1) + record length (8). */
export const RECORD_PREFIX = 9;
