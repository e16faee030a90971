/**
 * @neurite/onnx: Neurite models in and out of ONNX. `toOnnx(model)` writes a trained
 * Sequential as an ONNX file that ONNX Runtime runs (Node, browsers, servers, phones);
 * `fromOnnx(bytes)` reads a chain of supported ops (what torch.onnx.export writes for an MLP
 * or a small CNN) into a Sequential for inference and fine-tuning. Browser-safe; writing and
 * reading files is in `@neurite/onnx/node`.
 */
export { OnnxFormatError, OnnxUnsupportedError } from './errors.ts';
export { ONNX_IR_VERSION, ONNX_OPSET, type ToOnnxOptions, toOnnx } from './export.ts';
export { type ExportContext, type LayerExporter, type OnnxValue, registerOnnxExporter } from './export-layers.ts';
export { type AttributeValue, float, GraphBuilder, int, ints } from './graph.ts';
export { type FromOnnxOptions, fromOnnx } from './import.ts';
