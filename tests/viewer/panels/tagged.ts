// JSON with typed arrays and bigints: the test (Node) sends decoded messages to the harness page
// this way so they arrive exactly as the app's worker would deliver them (typed arrays, bigint times).
const TYPED = { Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array } as const;
type TypedName = keyof typeof TYPED;

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function stringifyTagged(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return { $bigint: v.toString() };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name as TypedName;
      if (!(name in TYPED)) throw new Error(`stringifyTagged: ${name} is not supported`);
      return { $typed: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    return v;
  });
}

export function reviveTagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveTagged);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o["$bigint"] === "string") return BigInt(o["$bigint"]);
    if (typeof o["$typed"] === "string" && typeof o["b64"] === "string") {
      const bytes = fromBase64(o["b64"]);
      const Ctor = TYPED[o["$typed"] as TypedName];
      const copy = new Uint8Array(bytes); // aligned buffer for the typed view
      return new Ctor(copy.buffer, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = reviveTagged(v);
    return out;
  }
  return value;
}
