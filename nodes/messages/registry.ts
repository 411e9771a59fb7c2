// The registry of ROS 2 interface definitions: which types we can encode/decode and the exact
// schema text rosbag2 would store for them. It holds .msg/.srv texts only (no file system
// access here, so the viewer can use it in a browser); file-backed sources plug in through
// DefinitionSource.

import {
  collectMessageDefinitions,
  parseMsgFields,
  type MessageDefinition,
  type MessageDefinitionField,
} from "./messageDefinitions.ts";
import { normalizeMsgText } from "./msgTextNormalize.ts";
import { buildSchemaText, splitSchemaText } from "./schemaText.ts";
import { splitServiceText } from "./serviceText.ts";
import { fullTypeName, parseTypeName, type RosTypeName } from "./typeName.ts";

/** Somewhere .msg/.srv texts can be read from on demand (a folder, an ament prefix, ...). */
export interface DefinitionSource {
  /** For error messages and `origin()`, e.g. "ament:/opt/ros/jazzy". */
  readonly name: string;
  /** The .msg text (ns "msg") or .srv text (ns "srv") of a type, or undefined if absent. */
  read(type: RosTypeName): string | undefined;
  /** Every type the source holds, full names; omitted when enumerating would be expensive. */
  list?(): string[];
}

interface Entry {
  text: string;
  origin: string;
}

export interface AddSchemaOptions {
  /** Replace known types whose definition differs (default: keep ours, report a conflict). */
  replace?: boolean;
  /** Recorded as the origin of added types, e.g. the file the schema came from. */
  origin?: string;
}

export interface AddSchemaResult {
  /** Types that were unknown and are now registered. */
  added: string[];
  /** Types already known with a different definition (replaced only if options.replace). */
  conflicting: string[];
}

const SERVICE_PART = /^(.+)_(Request|Response)$/;

export class MessageRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #services = new Map<string, Entry>();
  readonly #sources: DefinitionSource[];
  readonly #schemaTexts = new Map<string, string>();
  readonly #fields = new Map<string, MessageDefinitionField[]>();
  #revision = 0;

  /** Sources are consulted in order for types not added explicitly; the first hit wins. */
  constructor(sources: readonly DefinitionSource[] = []) {
    this.#sources = [...sources];
  }

  /** Increments whenever a known definition is replaced, so caches elsewhere can be dropped. */
  get revision(): number {
    return this.#revision;
  }

  /** True if `type` (any spelling, e.g. "sensor_msgs/Image") is a message type we know. */
  has(type: string): boolean {
    const name = tryParse(type);
    if (name === undefined || isServiceName(name)) return false;
    return this.#lookup(name) !== undefined;
  }

  /** True if `type` ("std_srvs/srv/Trigger") is a service type we know. */
  hasService(type: string): boolean {
    const name = tryParse(type);
    return name !== undefined && isServiceName(name) && this.#lookupService(name) !== undefined;
  }

  /** The verbatim .msg text of one type (no dependencies). */
  definitionText(type: string): string {
    return this.#require(type).text;
  }

  /** Where a type's definition came from (a source name, a file, "added"). */
  origin(type: string): string {
    return this.#require(type).origin;
  }

  /** The concatenated "ros2msg" schema text, exactly as rosbag2 builds it (see schemaText.ts). */
  schemaText(type: string): string {
    const key = normalize(type);
    let text = this.#schemaTexts.get(key);
    if (text === undefined) {
      text = buildSchemaText(key, (dependency) => this.definitionText(dependency));
      this.#schemaTexts.set(key, text);
    }
    return text;
  }

  /** Parsed definitions for the serializers: root first, each nested type once. */
  messageDefinitions(type: string): MessageDefinition[] {
    return collectMessageDefinitions(normalize(type), (dependency) => this.#parsedFields(dependency));
  }

  /** The full names of every message type currently resolvable (sources that can list). */
  types(): string[] {
    const names = new Set(this.#entries.keys());
    for (const source of this.#sources) {
      for (const type of source.list?.() ?? []) {
        const name = parseTypeName(type);
        if (!isServiceName(name)) names.add(type);
        else for (const part of ["Request", "Response"]) names.add(`${type}_${part}`);
      }
    }
    return [...names].sort();
  }

  /**
   * Registers one .msg text (or .srv text for a "pkg/srv/Name" type, which also registers
   * Name_Request and Name_Response). Replaces an existing definition.
   */
  addDefinition(type: string, text: string, origin = "added"): void {
    const name = parseTypeName(type);
    if (isServiceName(name)) {
      this.#storeService(name, { text, origin });
    } else {
      this.#store(fullTypeName(name), { text, origin });
    }
  }

  /**
   * Registers every type of a concatenated ros2msg schema (an MCAP Schema record's data), so
   * files with types we do not ship can be decoded. Known types are kept unless they differ
   * and `replace` is set.
   */
  addSchema(rootType: string, schemaText: string, options: AddSchemaOptions = {}): AddSchemaResult {
    const result: AddSchemaResult = { added: [], conflicting: [] };
    for (const piece of splitSchemaText(rootType, schemaText)) {
      const key = normalize(piece.type);
      const known = this.#lookup(parseTypeName(key));
      if (known === undefined) {
        this.#store(key, { text: piece.text, origin: options.origin ?? `schema:${rootType}` });
        result.added.push(key);
      } else if (normalizeMsgText(known.text) !== normalizeMsgText(piece.text)) {
        result.conflicting.push(key);
        if (options.replace === true) this.#store(key, { text: piece.text, origin: options.origin ?? `schema:${rootType}` });
      }
    }
    return result;
  }

  #store(key: string, entry: Entry): void {
    const previous = this.#entries.get(key);
    this.#entries.set(key, entry);
    if (previous !== undefined && previous.text !== entry.text) {
      // A dependency changed, so every cached schema/definition may be stale.
      this.#schemaTexts.clear();
      this.#fields.clear();
      this.#revision += 1;
    }
  }

  #storeService(name: RosTypeName, entry: Entry): void {
    const key = fullTypeName(name);
    const texts = splitServiceText(key, entry.text);
    this.#services.set(key, entry);
    this.#store(`${key}_Request`, { text: texts.request, origin: entry.origin });
    this.#store(`${key}_Response`, { text: texts.response, origin: entry.origin });
  }

  #require(type: string): Entry {
    const name = parseTypeName(type);
    const entry = this.#lookup(name);
    if (entry === undefined) {
      throw new Error(`unknown message type ${fullTypeName(name)} (no definition in: ${this.#sourceNames()})`);
    }
    return entry;
  }

  #sourceNames(): string {
    return ["added definitions", ...this.#sources.map((source) => source.name)].join(", ");
  }

  #lookup(name: RosTypeName): Entry | undefined {
    const key = fullTypeName(name);
    const known = this.#entries.get(key);
    if (known !== undefined) return known;
    const servicePart = name.ns === "srv" ? SERVICE_PART.exec(name.name) : null;
    if (servicePart) {
      // Loading the service registers both halves.
      if (this.#lookupService({ ...name, name: servicePart[1]! }) === undefined) return undefined;
      return this.#entries.get(key);
    }
    for (const source of this.#sources) {
      const text = source.read(name);
      if (text !== undefined) {
        const entry = { text, origin: source.name };
        this.#entries.set(key, entry);
        return entry;
      }
    }
    return undefined;
  }

  #lookupService(name: RosTypeName): Entry | undefined {
    const key = fullTypeName(name);
    const known = this.#services.get(key);
    if (known !== undefined) return known;
    for (const source of this.#sources) {
      const text = source.read(name);
      if (text !== undefined) {
        const entry = { text, origin: source.name };
        this.#storeService(name, entry);
        return entry;
      }
    }
    return undefined;
  }

  #parsedFields(type: string): MessageDefinitionField[] {
    const key = normalize(type);
    let fields = this.#fields.get(key);
    if (fields === undefined) {
      fields = parseMsgFields(key, this.definitionText(key));
      this.#fields.set(key, fields);
    }
    return fields;
  }
}

function normalize(type: string): string {
  return fullTypeName(parseTypeName(type));
}

/** "pkg/srv/Name" names a service; "pkg/srv/Name_Request" names one of its messages. */
function isServiceName(name: RosTypeName): boolean {
  return name.ns === "srv" && !SERVICE_PART.test(name.name);
}

function tryParse(type: string): RosTypeName | undefined {
  try {
    return parseTypeName(type);
  } catch {
    return undefined;
  }
}
