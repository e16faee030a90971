import { type FloatDType, formatShape } from '@neurite/tensor';
import { OnnxFormatError, OnnxUnsupportedError } from './errors.ts';
import { DATA_TYPE, type OnnxTensor } from './proto.ts';

/** A constant as the importer sees it: float data (float32 or float64 in the file) or integers (shapes, axes). */
export interface Constant {
  dims: number[];
  /** float32 or float64 for float tensors, 'int' for INT32/INT64. */
  kind: FloatDType | 'int';
  data: Float64Array;
}

const BYTES: Record<number, number> = { [DATA_TYPE.FLOAT]: 4, [DATA_TYPE.DOUBLE]: 8, [DATA_TYPE.INT32]: 4, [DATA_TYPE.INT64]: 8 };
const NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  16: 'BFLOAT16',
};

export function dataTypeName(t: number | undefined): string {
  return NAMES[t ?? 0] ?? `data type ${t}`;
}

/** A float tensor for the file, little-endian in raw_data (the compact form every reader takes). */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>, dtype: FloatDType): OnnxTensor {
  const size = dtype === 'float64' ? 8 : 4;
  const raw = new Uint8Array(values.length * size);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'float64') view.setFloat64(i * 8, values[i], true);
    else view.setFloat32(i * 4, values[i], true);
  }
  return { name, dims: [...dims], dataType: dtype === 'float64' ? DATA_TYPE.DOUBLE : DATA_TYPE.FLOAT, rawData: raw };
}

export function int64Tensor(name: string, values: readonly number[]): OnnxTensor {
  return { name, dims: [values.length], dataType: DATA_TYPE.INT64, int64Data: [...values] };
}

/** Fetches the bytes of an external data file named by a tensor's `location` (relative to the model). */
export type ExternalData = (location: string) => Uint8Array;

/** The bytes of a tensor stored outside the model (onnx.save_model(..., save_as_external_data=True), torch.onnx.export's default for large weights). */
function externalBytes(t: OnnxTensor, where: string, external: ExternalData | undefined): Uint8Array {
  const entry = (key: string) => t.externalData?.find((e) => e.key === key)?.value;
  const location = entry('location');
  if (!location) throw new OnnxFormatError(`${where}: its data is external, but no location is given`);
  if (!external) {
    throw new OnnxUnsupportedError(
      `${where}: the data is stored in the external file '${location}'; read the model with loadOnnx(path), which finds it beside the model, or pass fromOnnx's externalData option (or save a self-contained file: onnx.save(model, path, save_as_external_data=False))`,
    );
  }
  const file = external(location);
  const offset = Number(entry('offset') ?? 0);
  const length = entry('length') === undefined ? file.length - offset : Number(entry('length'));
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.length) {
    throw new OnnxFormatError(
      `${where}: bytes ${offset} to ${offset + length} of '${location}' are outside the file (${file.length} bytes)`,
    );
  }
  return file.subarray(offset, offset + length);
}

/**
 * Reads a TensorProto's values, from raw_data, the typed fields or an external file, checking
 * that the data fills the declared dims before anything is used. `where` names it in errors.
 */
export function readTensor(t: OnnxTensor, where: string, external?: ExternalData): Constant {
  const dims = t.dims ?? [];
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new OnnxFormatError(`${where}: bad dims ${JSON.stringify(dims)}`);
  const type = t.dataType ?? 0;
  const kind =
    type === DATA_TYPE.FLOAT
      ? 'float32'
      : type === DATA_TYPE.DOUBLE
        ? 'float64'
        : type === DATA_TYPE.INT32 || type === DATA_TYPE.INT64
          ? 'int'
          : null;
  if (kind === null) {
    throw new OnnxUnsupportedError(
      `${where}: ${dataTypeName(type)} tensors are not supported (Neurite reads FLOAT, DOUBLE, INT32 and INT64)`,
    );
  }
  const size = dims.reduce((p, d) => p * d, 1);
  const raw = t.dataLocation === 1 ? externalBytes(t, where, external) : t.rawData;
  let data: Float64Array;
  if (raw && raw.length > 0) {
    const width = BYTES[type];
    if (raw.length !== size * width) {
      throw new OnnxFormatError(
        `${where}: raw_data holds ${raw.length} bytes, but ${dataTypeName(type)} of shape ${formatShape(dims)} needs ${size * width}`,
      );
    }
    data = new Float64Array(size);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < size; i++) {
      if (type === DATA_TYPE.FLOAT) data[i] = view.getFloat32(i * 4, true);
      else if (type === DATA_TYPE.DOUBLE) data[i] = view.getFloat64(i * 8, true);
      else if (type === DATA_TYPE.INT32) data[i] = view.getInt32(i * 4, true);
      else data[i] = Number(view.getBigInt64(i * 8, true));
    }
  } else {
    const values =
      type === DATA_TYPE.FLOAT
        ? t.floatData
        : type === DATA_TYPE.DOUBLE
          ? t.doubleData
          : type === DATA_TYPE.INT32
            ? t.int32Data
            : t.int64Data;
    const list = values ?? [];
    if (list.length !== size) {
      throw new OnnxFormatError(`${where}: holds ${list.length} values, but its shape ${formatShape(dims)} needs ${size}`);
    }
    data = Float64Array.from(list, Number);
  }
  return { dims: [...dims], kind, data };
}
