import { ModelFormatError } from '@neurite/layers';
import { NeuriteError } from '@neurite/tensor';

/**
 * Bytes that are not a readable ONNX model, or a model that contradicts itself: a truncated
 * or corrupt file, a missing graph or opset, a weight whose data does not fill its shape, a
 * layer whose weights do not fit the tensor it receives. The message names the node or
 * tensor and what was expected.
 */
export class OnnxFormatError extends ModelFormatError {
  override name = 'OnnxFormatError';
}

/**
 * A valid model (or a Neurite layer) that the other side cannot represent: an ONNX op or
 * attribute that no Neurite layer computes, a graph that is not a chain of layers, or a
 * layer with no ONNX form. The message names the op and the node (or the layer).
 */
export class OnnxUnsupportedError extends NeuriteError {
  override name = 'OnnxUnsupportedError';
}
