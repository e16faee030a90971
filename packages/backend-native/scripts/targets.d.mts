/** Types of targets.mjs (a plain script, so that build and release tooling runs without a build). */
export interface Target {
  triple: string;
  gemm: 'openblas' | 'pure';
  tools: string[];
  files?: string[];
  env?: Record<string, string>;
  zig?: boolean;
  setup: string;
}
export declare const TARGETS: Record<'linux-x64-gnu' | 'linux-arm64-gnu' | 'linux-x64-musl', Target>;
export declare function hostPlatform(): string;
