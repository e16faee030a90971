import protobuf from 'protobufjs/light.js';
import { OnnxFormatError } from './errors.ts';
import { ONNX_DESCRIPTOR } from './proto/onnx-descriptor.ts';

/*
 * ONNX's messages (onnx.proto, vendored from the onnx repository) through protobufjs: encoding
 * and decoding are the library's, from the published schema. The interfaces below are the
 * fields Neurite reads and writes, as plain objects (camelCase, int64 as numbers).
 */

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  doubleData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  rawData?: Uint8Array;
  docString?: string;
  /** 1 (EXTERNAL): the data sits in another file. */
  dataLocation?: number;
  externalData?: { key?: string; value?: string }[];
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
  docString?: string;
}

export interface OnnxDim {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: OnnxDim[] } } };
  docString?: string;
}

export interface OnnxGraph {
  name?: string;
  node?: OnnxNode[];
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxModel {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: OnnxGraph;
  metadataProps?: { key?: string; value?: string }[];
}

/** TensorProto.DataType values Neurite meets. */
export const DATA_TYPE = { FLOAT: 1, INT32: 6, INT64: 7, FLOAT16: 10, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

let modelType: protobuf.Type | null = null;

/** The ModelProto type, built from the descriptor on first use (no work at import time). */
function model(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_DESCRIPTOR as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

export function encodeModel(value: OnnxModel): Uint8Array {
  const type = model();
  const problem = type.verify(value);
  // Neurite builds these objects itself, so a failure here is a bug, not the user's input.
  if (problem) throw new Error(`toOnnx produced an invalid ModelProto: ${problem}`);
  return type.encode(type.fromObject(value)).finish();
}

/** Decodes and converts to plain objects; truncated or corrupt bytes get an OnnxFormatError. */
export function decodeModel(bytes: Uint8Array, source: string): OnnxModel {
  const type = model();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (error) {
    const why = (error as Error).message;
    const hint = /index out of range/.test(why) ? ' (the file ends in the middle of a field: is it truncated?)' : '';
    throw new OnnxFormatError(`${source}: not a readable ONNX model: ${why}${hint}`);
  }
  return type.toObject(message, { longs: Number, enums: Number }) as OnnxModel;
}
