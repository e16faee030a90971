#!/usr/bin/env node
/**
 * Loads a linux-x64-musl addon through musl's own dynamic loader, where no musl build of Node
 * exists (npm has none). A small host program, compiled with musl-gcc, defines every N-API
 * function the addon imports as a stub that aborts (Node would provide them), dlopens the
 * addon with RTLD_NOW — so every other symbol must resolve against musl's libc, and the
 * addon's initialisers run — and finds its N-API entry point. What it cannot show: that the
 * addon works inside a real musl Node (no such runtime here).
 *
 *     node scripts/musl-load-check.mjs neurite.linux-x64-musl.node
 *
 * Needs Debian's musl-tools (musl-gcc) and binutils (nm).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const addon = resolve(process.argv[2] ?? 'neurite.linux-x64-musl.node');
for (const tool of ['musl-gcc', 'nm']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) {
    console.error(`musl-load-check: ${tool} not found (apt-get install musl-tools binutils)`);
    process.exit(2);
  }
}
const napi = execFileSync('nm', ['-D', '--undefined-only', addon], { encoding: 'utf8' })
  .split('\n')
  .map((line) => line.trim().split(/\s+/).at(-1))
  .filter((name) => name?.startsWith('napi_'));
const host = `#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
${napi.map((name) => `void ${name}(void) { fputs("${name} called outside Node\\n", stderr); abort(); }`).join('\n')}
int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) { fprintf(stderr, "dlopen failed: %s\\n", dlerror()); return 1; }
  if (!dlsym(lib, "napi_register_module_v1")) { fprintf(stderr, "no napi_register_module_v1\\n"); return 1; }
  printf("loaded %s under musl: %d N-API imports stubbed, napi_register_module_v1 found\\n", argv[1], ${napi.length});
  return 0;
}
`;
const dir = mkdtempSync(join(tmpdir(), 'neurite-musl-'));
try {
  writeFileSync(join(dir, 'host.c'), host);
  execFileSync('musl-gcc', ['-O1', '-rdynamic', '-o', join(dir, 'host'), join(dir, 'host.c')], { stdio: 'inherit' });
  const run = spawnSync(join(dir, 'host'), [addon], { encoding: 'utf8' });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  process.exit(run.status ?? 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
