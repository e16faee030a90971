import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ONNX_IR_VERSION, ONNX_OPSET } from '../src/index.ts';

describe('the vendored onnx.proto', () => {
  it('is ONNX v1.22.0, with its license, and the descriptor protobufjs loads is generated from it', () => {
    const proto = readFileSync(new URL('../src/proto/onnx.proto', import.meta.url), 'utf8');
    expect(proto).toMatch(/SPDX-License-Identifier: Apache-2.0/);
    expect(proto).toMatch(/message ModelProto \{/);
    expect(readFileSync(new URL('../src/proto/LICENSE', import.meta.url), 'utf8')).toMatch(/Apache License\s+Version 2.0/);
    // --check exits non-zero when src/proto/onnx-descriptor.ts differs from what onnx.proto gives.
    execFileSync(process.execPath, [new URL('../scripts/gen-descriptor.mjs', import.meta.url).pathname, '--check'], { stdio: 'pipe' });
  });

  it('declares the IR version that goes with the opset (onnx/docs/Versioning.md: opset 17 is IR 8)', () => {
    expect([ONNX_OPSET, ONNX_IR_VERSION]).toEqual([17, 8]);
  });
});
