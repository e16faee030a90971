import { type FloatDType, NeuriteError, Tensor } from '@neurite/tensor';
import { ModelFormatError } from './errors.ts';

/**
 * The safetensors format (what PyTorch and numpy read): an 8-byte little-endian header
 * length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
 * {string: string}}, then the tensors' raw little-endian bytes, offsets relative to the
 * end of the header. The header is padded with spaces to a multiple of 8 bytes so every
 * tensor starts aligned.
 */
const DTYPES: Record<FloatDType, { code: 'F32' | 'F64'; bytes: number }> = {
  float32: { code: 'F32', bytes: 4 },
  float64: { code: 'F64', bytes: 8 },
};
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (!(t instanceof Tensor) || (t.dtype !== 'float32' && t.dtype !== 'float64')) {
      throw new NeuriteError(`encodeSafetensors: '${name}' must be a float32 or float64 Tensor`);
    }
    const bytes = t.size * DTYPES[t.dtype].bytes;
    header[name] = { dtype: DTYPES[t.dtype].code, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) {
    json += ' '.repeat(pad);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors[name];
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (LITTLE_ENDIAN) out.set(raw, pos);
    else writeLittleEndian(t, out, pos);
    pos += raw.length;
  }
  return out;
}

function writeLittleEndian(t: Tensor, out: Uint8Array, pos: number): void {
  const view = new DataView(out.buffer, out.byteOffset);
  const width = t.dtype === 'float64' ? 8 : 4;
  for (let i = 0; i < t.size; i++) {
    if (width === 8) view.setFloat64(pos + i * 8, t.data[i], true);
    else view.setFloat32(pos + i * 4, t.data[i], true);
  }
}

export interface DecodedSafetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Reads safetensors bytes, checking every offset and shape; `source` names the file in errors. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError(`${source}: expected bytes (Uint8Array), received ${typeof bytes}`);
  if (bytes.length < 8) throw new ModelFormatError(`${source}: truncated: ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8)
    throw new ModelFormatError(
      `${source}: header length ${n} exceeds the file (${bytes.length} bytes): truncated or not a safetensors file`,
    );
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    throw new ModelFormatError(`${source}: the header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new ModelFormatError(`${source}: the header must be a JSON object`);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, Tensor> = {};
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  // Every entry is checked, overlaps included, before anything is allocated: tensors sharing
  // one span would otherwise make a small file allocate its size many times over.
  const entries: { name: string; kind: FloatDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    const kind = dtype === 'F32' ? 'float32' : dtype === 'F64' ? 'float64' : null;
    if (!kind) throw new ModelFormatError(`${source}: tensor '${name}' has dtype ${JSON.stringify(dtype)}; expected "F32" or "F64"`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new ModelFormatError(`${source}: tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(Number.isSafeInteger) ||
      offsets[0] < 0 ||
      offsets[0] > offsets[1]
    ) {
      throw new ModelFormatError(`${source}: tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const width = DTYPES[kind].bytes;
    const size = shape.reduce((p, d) => p * d, 1);
    if (offsets[1] - offsets[0] !== size * width) {
      throw new ModelFormatError(
        `${source}: tensor '${name}' of shape [${shape}] ${dtype} needs ${size * width} bytes, data_offsets span ${offsets[1] - offsets[0]}`,
      );
    }
    if (offsets[1] > dataLength) {
      throw new ModelFormatError(
        `${source}: tensor '${name}' ends at byte ${offsets[1]} of the data, which has only ${dataLength}: the file is truncated`,
      );
    }
    entries.push({ name, kind, shape, begin: offsets[0], end: offsets[1] });
  }
  const spans = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].begin < spans[i - 1].end)
      throw new ModelFormatError(`${source}: tensors '${spans[i - 1].name}' and '${spans[i].name}' overlap`);
  }
  for (const { name, kind, shape, begin, end } of entries) {
    const width = DTYPES[kind].bytes;
    const size = (end - begin) / width;
    const data = kind === 'float64' ? new Float64Array(size) : new Float32Array(size);
    const raw = bytes.subarray(dataStart + begin, dataStart + end);
    if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(raw);
    else {
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < size; i++) data[i] = width === 8 ? dv.getFloat64(i * 8, true) : dv.getFloat32(i * 4, true);
    }
    tensors[name] = new Tensor(data, shape);
  }
  return { tensors, metadata };
}
