import { registerBackend } from '@neurite/tensor';
import { neuriteBackend } from '../src/index.ts';

/**
 * A vitest setup file for the projects whose suites run on the backend a user's install
 * picks (native; js with NEURITE_BACKEND=js): registers the native backend as @neurite/tensor's
 * discovery does for an installed package, with the same name and priority, but through vite,
 * which compiles the TypeScript sources (see tensor/test/discover-without-require.ts, which
 * runs after this file).
 */
registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
