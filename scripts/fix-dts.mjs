#!/usr/bin/env node
// tsc's rewriteRelativeImportExtensions rewrites './x.ts' to './x.js' in emitted JavaScript but
// not in declaration files, which then point at sources that are not in dist/. Deno and
// TypeScript consumers of the published package need './x.js' there too.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist';
const specifier = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.ts(['"])/g;

function walk(path) {
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(full, 'utf8');
      const fixed = text.replace(specifier, '$1$2.js$3');
      if (fixed !== text) writeFileSync(full, fixed);
    }
  }
}
walk(dir);
