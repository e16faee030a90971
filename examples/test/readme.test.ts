import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../course/data.ts';

/**
 * Every TypeScript and JavaScript block of every README.md runs as shown, so the docs cannot
 * drift from the code (CONTRIBUTING.md, "README code blocks"). A block runs as an ES module from
 * a scratch folder (files it writes land there), through tsx with the `source` condition, and
 * must exit 0. Comment lines right after a `console.log(...)` line are the output it shows:
 * they must be printed, in order. A block marked `<!-- docs: type-check ... -->` on the line
 * before its fence needs files the test cannot have (the user's photo, MNIST): it is
 * type-checked instead, with the workspace's compiler settings.
 */
const exec = promisify(execFile);
const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
// Inside examples/, so that the blocks' imports resolve to the workspace packages.
const blocksDir = join(repoRoot, 'examples', '.docs-blocks');
const scratch = mkdtempSync(join(tmpdir(), 'neurite-docs-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(blocksDir, { recursive: true, force: true });
});

interface Block {
  readme: string;
  line: number;
  code: string;
  typeCheckOnly: boolean;
}

function readmes(): string[] {
  const found = [join(repoRoot, 'README.md')];
  for (const group of ['packages', 'apps']) {
    for (const d of readdirSync(join(repoRoot, group))) found.push(join(repoRoot, group, d, 'README.md'));
  }
  for (const d of ['bench', 'examples', 'native', 'tests/install']) found.push(join(repoRoot, d, 'README.md'));
  return found.filter((f) => existsSync(f));
}

function blocks(readme: string): Block[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript|js|javascript|mjs)\s*$/.test(lines[i] as string)) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !(lines[i + 1] as string).startsWith('```')) i++;
    found.push({
      readme: relative(repoRoot, readme),
      line: start,
      code: lines.slice(start, i + 1).join('\n'),
      typeCheckOnly: /^<!-- docs: type-check/.test(lines[start - 2] ?? ''),
    });
    i++;
  }
  return found;
}

/** The comment lines after each console.log line: the printed output the block shows. */
function shownOutput(code: string): string[] {
  const lines = code.split('\n');
  const shown: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*console\.log\(/.test(lines[i] as string)) continue;
    for (let j = i + 1; j < lines.length && /^\s*\/\/ ?/.test(lines[j] as string); j++) {
      shown.push((lines[j] as string).replace(/^\s*\/\/ ?/, ''));
    }
  }
  return shown;
}

const all = readmes().flatMap(blocks);
mkdirSync(blocksDir, { recursive: true });
const fileOf = (b: Block) => join(blocksDir, `${b.readme.replace(/[/.]/g, '_')}_${b.line}.mts`);
for (const b of all) writeFileSync(fileOf(b), `${b.code}\nexport {};\n`);

describe('README code blocks', () => {
  it('there are blocks to check, in the root README and the packages', () => {
    expect(all.filter((b) => !b.typeCheckOnly).length).toBeGreaterThan(8);
    expect(all.some((b) => b.readme === 'README.md')).toBe(true);
  });

  describe.concurrent('run as shown', () => {
    for (const b of all.filter((x) => !x.typeCheckOnly)) {
      it(`${b.readme}:${b.line}`, { timeout: 120_000 }, async () => {
        const { stdout } = await exec(process.execPath, ['--conditions=source', '--import', tsx, fileOf(b)], {
          cwd: scratch,
          env: { ...process.env, NO_COLOR: '1' },
          maxBuffer: 1 << 24,
        });
        const printed = stdout.split('\n').map((l) => l.trimEnd());
        let from = 0;
        for (const want of shownOutput(b.code)) {
          const at = printed.indexOf(want.trimEnd(), from);
          expect(at, `${b.readme}:${b.line} shows "${want}", which it does not print (printed:\n${stdout})`).toBeGreaterThanOrEqual(0);
          from = at + 1;
        }
      });
    }
  });

  it('blocks that need files type-check', { timeout: 300_000 }, async () => {
    const files = all.filter((b) => b.typeCheckOnly).map(fileOf);
    const config = join(blocksDir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: '../../tsconfig.base.json',
        compilerOptions: { noEmit: true, types: ['node'], customConditions: ['source'], declaration: false, declarationMap: false },
        files,
      }),
    );
    const result = await exec(process.execPath, [tsc, '-p', config]).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  });
});
