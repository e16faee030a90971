import type { BackendChoice } from '../backend-note.ts';

export type CatModel = 'logreg' | 'deep';

export type CatToWorker =
  | { type: 'load'; train: ArrayBuffer; test: ArrayBuffer }
  | { type: 'train'; model: CatModel; iterations: number }
  | { type: 'stop' }
  /** 64·64·3 bytes in (row, column, channel) order, as in the .h5 files. */
  | { type: 'predict'; pixels: Uint8Array };

export type CatFromWorker =
  | {
      type: 'loaded';
      mTrain: number;
      mTest: number;
      catsTrain: number;
      testImages: Uint8Array;
      testLabels: Float32Array;
      /** Which backend trains, and why (wasm when it loads, else js with the reason). */
      backend: BackendChoice;
    }
  /** Costs of the iterations since the previous report, the last one being `iteration`'s. */
  | { type: 'progress'; model: CatModel; iteration: number; iterations: number; costs: number[]; ms: number }
  | { type: 'trained'; model: CatModel; trainAcc: number; testAcc: number; ms: number; testPredictions: Float32Array }
  | { type: 'prediction'; logreg: number | null; deep: number | null }
  | { type: 'error'; message: string };
