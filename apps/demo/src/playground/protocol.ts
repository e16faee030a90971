import type { Config } from './config.ts';
import type { Split } from './data.ts';

/** Messages from the page to the training worker. */
export type ToWorker =
  | { type: 'init'; config: Config; split: Split }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  /** Saves the model to IndexedDB (under MODEL_KEY), paused. */
  | { type: 'save' }
  /** Replaces the model with the one saved in IndexedDB, trained for `epoch` epochs. */
  | { type: 'load'; epoch: number };

/** The IndexedDB name of the playground's saved model. */
export const MODEL_KEY = 'playground';

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
  /** Set on the snapshot that follows a 'load'. */
  loaded?: boolean;
  /** Costs per epoch since the last snapshot, for the curves. */
  history: { epoch: number; train: number; test: number }[];
}

export interface WorkerError {
  type: 'error';
  message: string;
}

export interface Saved {
  type: 'saved';
  epoch: number;
  bytes: number;
}

export type FromWorker = Snapshot | WorkerError | Saved;

export const GRID = 100;
