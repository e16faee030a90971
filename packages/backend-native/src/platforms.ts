/**
 * The platforms that get a prebuilt native binary, each in its own npm package
 * (`@neurite/backend-native-<platform>`, an optional dependency of this one). Everywhere else
 * (macOS, Windows, other CPUs, browsers) @neurite/tensor runs on its js backend. Kept equal to
 * package.json's napi.targets and npm/<platform>/ by test/platforms.test.ts.
 */
export interface NativePlatform {
  /** Rust target triple the binary is built for. */
  triple: string;
  /** GEMM providers compiled in. */
  gemm: string;
  /** What the machine needs. */
  requires: string;
}

export const NATIVE_PLATFORMS: Readonly<Record<string, NativePlatform>> = {
  'linux-x64-gnu': {
    triple: 'x86_64-unknown-linux-gnu',
    gemm: 'OpenBLAS (static) + pure Rust',
    requires: 'glibc 2.34+ (Debian 12, Ubuntu 22.04, RHEL 9)',
  },
  'linux-arm64-gnu': {
    triple: 'aarch64-unknown-linux-gnu',
    gemm: 'OpenBLAS (static) + pure Rust',
    requires: 'glibc 2.34+ (Debian 12, Ubuntu 22.04, RHEL 9)',
  },
  'linux-x64-musl': { triple: 'x86_64-unknown-linux-musl', gemm: 'pure Rust only', requires: 'musl 1.2 (Alpine 3.13+)' },
};

/** The npm package holding the binary of `platform`. */
export const binaryPackage = (platform: string): string => `@neurite/backend-native-${platform}`;
