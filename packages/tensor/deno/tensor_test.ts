/**
 * The tensor package under Deno: the same runner-agnostic case lists that vitest runs
 * (src/testing), registered with Deno.test. Run from packages/tensor:
 *
 *     deno test --allow-read --allow-env deno/
 */
import { autodiffCases, conformanceCases, generatorCases } from '../src/testing/index.ts';

for (const c of conformanceCases('js')) Deno.test(`conformance js: ${c.name}`, c.fn);
for (const c of generatorCases()) Deno.test(`generator: ${c.name}`, c.fn);
for (const c of autodiffCases('js')) Deno.test(`autodiff js: ${c.name}`, c.fn);
