import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { readInputText } from '@neurite/tensor/node';
import { parse as parseYaml } from 'yaml';
import { FileError, fileErrorFor, UsageError } from './errors.ts';
import { flagOf, SETTINGS, type SettingKey, type SettingSpec, sweepValues } from './options.ts';
import { ValueProblem } from './parse.ts';

/** A config file holds a few dozen settings; a sweep's lists stay far below this. */
const CONFIG_MAX_BYTES = 1024 * 1024;

/**
 * A config file holds the same settings as the flags, by flag name (`batch-size`) or camelCase
 * (`batchSize`): `{ "data": "planar", "lr": 1.2, "layers": [20, 7, 5] }` or the same in YAML.
 * Flags given on the command line override it.
 */
export function readConfig(path: string, options: { sweep?: boolean } = {}): Partial<Record<SettingKey, unknown>> {
  if (!existsSync(path)) throw new FileError(path, `cannot read config file '${path}': no such file`);
  // A regular file of settings: a FIFO would block, /dev/zero never end.
  const source = readInputText(path, {
    fn: '--config',
    expected: 'a .json or .yaml config file',
    maxBytes: CONFIG_MAX_BYTES,
    error: fileErrorFor(path),
  });
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  try {
    raw = ext === '.json' ? JSON.parse(source) : parseYaml(source);
  } catch (error) {
    const kind = ext === '.json' ? 'JSON' : 'YAML';
    throw new FileError(path, `config file '${path}' is not valid ${kind}: ${reason(error).split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FileError(
      path,
      `config file '${path}' must hold an object of settings, received ${Array.isArray(raw) ? 'a list' : typeof raw}`,
    );
  }
  const settings: Partial<Record<SettingKey, unknown>> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const spec = findSpec(name);
    if (!spec || spec.key === 'resume') {
      const known = SETTINGS.filter((s) => s.key !== 'resume').map((s) => flagOf(s.key).slice(2));
      throw new UsageError(`config file '${path}': unknown setting '${name}'`, `known settings: ${known.join(', ')}`);
    }
    try {
      settings[spec.key] = options.sweep && spec.sweepable ? sweepConfigValue(spec, value) : spec.parse(value);
    } catch (error) {
      if (error instanceof ValueProblem)
        throw new UsageError(`config file '${path}': setting '${name}' (${flagOf(spec.key)}): ${error.message}`);
      throw error;
    }
  }
  return settings;
}

/** In a sweep config, a setting is one value or a list of values; `layers: [20, 7, 5]` is one value. */
function sweepConfigValue(spec: SettingSpec, value: unknown): unknown[] {
  if (typeof value === 'string') return sweepValues(spec)(value);
  const isList = Array.isArray(value) && (spec.key !== 'layers' || value.some(Array.isArray));
  return (isList ? (value as unknown[]) : [value]).map((v) => spec.parse(v));
}

function findSpec(name: string): SettingSpec | undefined {
  const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return SETTINGS.find((s) => s.key === camel);
}

export function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
