export * from './activations.ts';
export * from './elementwise.ts';
export * from './layout.ts';
export * from './linalg.ts';
export * from './reduce.ts';
