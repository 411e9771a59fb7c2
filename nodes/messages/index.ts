// Public surface of nodes/messages: definitions, schema texts and the CDR codec.
export { createCodec, type CodecOptions, type MessageCodec } from "./cdr.ts";
export { compileCdrEncoder, type CdrEncodeFunction, type CdrEncoderOptions } from "./cdrEncoder.ts";
export { createDefaultRegistry, type DefaultRegistryOptions } from "./defaultRegistry.ts";
export {
  amentSource,
  packageSource,
  treeSource,
  BUNDLED_DEFS_DIR,
  TELEDEMO_MSGS_DIR,
} from "./definitionSources.ts";
export type { MessageDefinition, MessageDefinitionField } from "./messageDefinitions.ts";
export { msgDependencies } from "./msgDependencies.ts";
export { normalizeMsgText } from "./msgTextNormalize.ts";
export {
  MessageRegistry,
  type AddSchemaOptions,
  type AddSchemaResult,
  type DefinitionSource,
} from "./registry.ts";
export { buildSchemaText, splitSchemaText, SCHEMA_DELIMITER, type SchemaPiece } from "./schemaText.ts";
export { nanosToRosTime, rosTimeToNanos, type RosTime } from "./time.ts";
export {
  fullTypeName,
  normalizeTypeName,
  parseTypeName,
  serviceMessageTypes,
  shortTypeName,
  type RosTypeName,
} from "./typeName.ts";
