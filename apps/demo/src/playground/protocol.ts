import type { Config } from './config.ts';
import type { Split } from './data.ts';

/** Messages from the page to the training worker. */
export type ToWorker =
  | { type: 'init'; config: Config; split: Split }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' };

/** What the worker reports: sent at most every frame while training, and after every command. */
export interface Snapshot {
  type: 'snapshot';
  /** Epochs done: one pass over the training set. */
  epoch: number;
  trainCost: number;
  testCost: number;
  trainAcc: number;
  testAcc: number;
  running: boolean;
  /** P(class 1) on a GRID×GRID lattice over the view, row 0 at the top. */
  grid: Float32Array;
  /** Costs per epoch since the last snapshot, for the curves. */
  history: { epoch: number; train: number; test: number }[];
}

export interface WorkerError {
  type: 'error';
  message: string;
}

export type FromWorker = Snapshot | WorkerError;

export const GRID = 100;
