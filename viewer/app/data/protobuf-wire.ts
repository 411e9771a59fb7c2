// Protobuf decoding from an MCAP schema's binary FileDescriptorSet, interpreted (no code
// generation). protobufjs builds its decoders with `new Function`, which the viewer's CSP
// (script-src 'self' 'wasm-unsafe-eval', no 'unsafe-eval') forbids, so the worker reads the
// descriptor and the messages with this small wire-format walker instead. int64 fields become
// numbers (exact below 2^53: timestamps' seconds, counts); bytes stay Uint8Array.

interface FieldDef {
  name: string;
  number: number;
  /** descriptor.proto FieldDescriptorProto.Type */
  type: number;
  repeated: boolean;
  /** Fully qualified, leading dot, for message/enum fields. */
  typeName: string;
}

interface MessageDef {
  fullName: string;
  fields: Map<number, FieldDef>;
}

class Wire {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array, readonly end = buf.byteLength) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  varint(): number {
    // Up to 2^53 exactly through multiplication (bit ops would truncate at 32 bits).
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error("protobuf: varint runs past the end");
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Error("protobuf: varint longer than 10 bytes");
  }
  /** Varints as signed 64-bit (two's complement) where negative. */
  svarint64(): number {
    const v = this.varint();
    return v >= 2 ** 63 ? v - 2 ** 64 : v;
  }
  fixed32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  fixed64(signed: boolean): number {
    const v = signed ? this.view.getBigInt64(this.pos, true) : this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }
  float(): number {
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  double(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.end) throw new Error("protobuf: length-delimited field runs past the end");
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`protobuf: unsupported wire type ${wireType}`);
    }
  }
}

const utf8 = new TextDecoder();

/** Iterates (fieldNumber, wireType) pairs of a message, calling `on` positioned at the value. */
function walk(w: Wire, on: (field: number, wireType: number) => boolean): void {
  while (w.pos < w.end) {
    const key = w.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (!on(field, wireType)) w.skip(wireType);
  }
}

// ---- FileDescriptorSet (descriptor.proto field numbers) ----

function parseField(buf: Uint8Array): FieldDef {
  const f: FieldDef = { name: "", number: 0, type: 0, repeated: false, typeName: "" };
  const w = new Wire(buf);
  walk(w, (n, wt) => {
    if (n === 1 && wt === 2) f.name = utf8.decode(w.bytes());
    else if (n === 3 && wt === 0) f.number = w.varint();
    else if (n === 4 && wt === 0) f.repeated = w.varint() === 3;
    else if (n === 5 && wt === 0) f.type = w.varint();
    else if (n === 6 && wt === 2) f.typeName = utf8.decode(w.bytes());
    else return false;
    return true;
  });
  return f;
}

function parseMessageType(buf: Uint8Array, scope: string, out: Map<string, MessageDef>, enums: Map<string, Map<number, string>>): void {
  const w = new Wire(buf);
  let name = "";
  const fields: FieldDef[] = [];
  const nested: Uint8Array[] = [];
  const nestedEnums: Uint8Array[] = [];
  walk(w, (n, wt) => {
    if (wt !== 2) return false;
    if (n === 1) name = utf8.decode(w.bytes());
    else if (n === 2) fields.push(parseField(w.bytes()));
    else if (n === 3) nested.push(w.bytes());
    else if (n === 4) nestedEnums.push(w.bytes());
    else return false;
    return true;
  });
  const fullName = `${scope}.${name}`;
  out.set(fullName, { fullName, fields: new Map(fields.map((f) => [f.number, f])) });
  for (const b of nested) parseMessageType(b, fullName, out, enums);
  for (const b of nestedEnums) parseEnum(b, fullName, enums);
}

function parseEnum(buf: Uint8Array, scope: string, enums: Map<string, Map<number, string>>): void {
  const w = new Wire(buf);
  let name = "";
  const values = new Map<number, string>();
  walk(w, (n, wt) => {
    if (n === 1 && wt === 2) name = utf8.decode(w.bytes());
    else if (n === 2 && wt === 2) {
      const v = new Wire(w.bytes());
      let vn = "";
      let num = 0;
      walk(v, (m, vwt) => {
        if (m === 1 && vwt === 2) vn = utf8.decode(v.bytes());
        else if (m === 2 && vwt === 0) num = v.svarint64();
        else return false;
        return true;
      });
      values.set(num, vn);
    } else return false;
    return true;
  });
  enums.set(`${scope}.${name}`, values);
}

export type ProtobufDecode = (bytes: Uint8Array) => Record<string, unknown>;

/** A decoder for message `typeName` (e.g. "foxglove.CameraCalibration") described by `fileDescriptorSet`. */
export function protobufDecoder(fileDescriptorSet: Uint8Array, typeName: string): ProtobufDecode {
  const messages = new Map<string, MessageDef>();
  const enums = new Map<string, Map<number, string>>();
  const set = new Wire(fileDescriptorSet);
  walk(set, (n, wt) => {
    if (n !== 1 || wt !== 2) return false;
    const file = new Wire(set.bytes());
    let pkg = "";
    const types: Uint8Array[] = [];
    const fileEnums: Uint8Array[] = [];
    walk(file, (m, fwt) => {
      if (fwt !== 2) return false;
      if (m === 2) pkg = utf8.decode(file.bytes());
      else if (m === 4) types.push(file.bytes());
      else if (m === 5) fileEnums.push(file.bytes());
      else return false;
      return true;
    });
    const scope = pkg ? `.${pkg}` : "";
    for (const t of types) parseMessageType(t, scope, messages, enums);
    for (const e of fileEnums) parseEnum(e, scope, enums);
    return true;
  });
  // Well-known types a writer may reference without including them in the set.
  for (const wk of ["Timestamp", "Duration"]) {
    const name = `.google.protobuf.${wk}`;
    if (!messages.has(name)) {
      messages.set(name, {
        fullName: name,
        fields: new Map([
          [1, { name: "seconds", number: 1, type: 3, repeated: false, typeName: "" }],
          [2, { name: "nanos", number: 2, type: 5, repeated: false, typeName: "" }],
        ]),
      });
    }
  }
  // Resolve type references once: descriptors may name them relative to the message's scope.
  for (const def of messages.values()) {
    for (const f of def.fields.values()) {
      if (f.type !== 11 || (f.typeName.startsWith(".") && messages.has(f.typeName))) continue;
      const resolved = resolveName(f.typeName, def.fullName, messages);
      if (resolved) f.typeName = resolved;
    }
  }
  const root = messages.get(`.${typeName}`);
  if (!root) throw new Error(`protobuf schema: message ${typeName} is not in the FileDescriptorSet`);
  return (bytes) => decodeMessage(new Wire(bytes), root, messages, enums);
}

/** Protobuf scoping: look the name up in the message's scope, then each enclosing one, then globally. */
function resolveName(name: string, scope: string, messages: Map<string, MessageDef>): string | undefined {
  if (name.startsWith(".")) return messages.has(name) ? name : undefined;
  const parts = scope.split(".").filter((p) => p.length > 0);
  for (let i = parts.length; i >= 0; i--) {
    const candidate = `.${[...parts.slice(0, i), name].join(".")}`;
    if (messages.has(candidate)) return candidate;
  }
  return undefined;
}

const PACKABLE = new Set([1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15, 16, 17, 18]);

function scalar(w: Wire, type: number): unknown {
  switch (type) {
    case 1:
      return w.double();
    case 2:
      return w.float();
    case 3: // int64
    case 5: {
      // int32: negative values are sign-extended 10-byte varints
      const v = w.svarint64();
      return type === 5 ? v | 0 : v;
    }
    case 4: // uint64
    case 13: // uint32
      return w.varint();
    case 14:
      return w.svarint64() | 0;
    case 6:
      return w.fixed64(false);
    case 16:
      return w.fixed64(true);
    case 7:
      return w.fixed32();
    case 15:
      return w.fixed32() | 0;
    case 8:
      return w.varint() !== 0;
    case 17:
    case 18: {
      // zigzag
      const v = w.varint();
      return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    }
    default:
      throw new Error(`protobuf: field type ${type} is not a scalar`);
  }
}

function defaultOf(f: FieldDef): unknown {
  if (f.repeated) return [];
  switch (f.type) {
    case 8:
      return false;
    case 9:
      return "";
    case 12:
      return new Uint8Array(0);
    case 11:
    case 10:
      return undefined;
    default:
      return 0;
  }
}

function decodeMessage(w: Wire, def: MessageDef, messages: Map<string, MessageDef>, enums: Map<string, Map<number, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of def.fields.values()) {
    const d = defaultOf(f);
    if (d !== undefined) out[f.name] = d;
  }
  walk(w, (n, wt) => {
    const f = def.fields.get(n);
    if (!f) return false;
    let value: unknown;
    if (f.type === 11) {
      const sub = messages.get(f.typeName);
      if (!sub) throw new Error(`protobuf schema: ${def.fullName}.${f.name} refers to unknown ${f.typeName}`);
      const b = w.bytes();
      value = decodeMessage(new Wire(b), sub, messages, enums);
    } else if (f.type === 9) {
      value = utf8.decode(w.bytes());
    } else if (f.type === 12) {
      value = w.bytes();
    } else if (f.type === 10) {
      return false; // groups: deprecated, not used by foxglove schemas
    } else if (f.repeated && wt === 2 && PACKABLE.has(f.type)) {
      const b = w.bytes();
      const inner = new Wire(b);
      const arr = out[f.name] as unknown[];
      while (inner.pos < inner.end) arr.push(scalar(inner, f.type));
      return true;
    } else {
      value = scalar(w, f.type);
    }
    if (f.repeated) (out[f.name] as unknown[]).push(value);
    else out[f.name] = value;
    return true;
  });
  return out;
}
