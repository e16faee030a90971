import type { BackendChoice } from '../backend-note.ts';

export interface TrainSettings {
  /** Training digits: the first `examples` of the 8,000 (loadDigitsSplit shuffles them). */
  examples: number;
  epochs: number;
}

export type DigitsToWorker =
  | { type: 'train'; settings: TrainSettings }
  | { type: 'stop' }
  /** A 28x28 image in [0, 1], row by row; `id` comes back with its probabilities. */
  | { type: 'predict'; id: number; image: Float32Array }
  | { type: 'save' }
  | { type: 'restore' };

/** Held-out accuracy and loss, after `seen` training examples. */
export interface Evaluation {
  seen: number;
  loss: number;
  accuracy: number;
  /** The predicted class of each sample shown on the page. */
  samplePredictions: number[];
}

export type DigitsFromWorker =
  | {
      type: 'loaded';
      backend: BackendChoice;
      trainSize: number;
      testSize: number;
      /** The first held-out digits, 28·28 bytes each, and their labels, to show and to try. */
      samples: Uint8Array;
      sampleLabels: number[];
      /** When a network trained earlier was saved in this browser: when. */
      saved: string | null;
    }
  | {
      type: 'progress';
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      /** Mean loss and accuracy over this epoch's batches so far, each scored as it trained. */
      loss: number;
      accuracy: number;
      seen: number;
      ms: number;
    }
  | ({ type: 'evaluated' } & Evaluation)
  | { type: 'trained'; stopped: boolean; ms: number; seen: number }
  | { type: 'prediction'; id: number; probabilities: number[] }
  | { type: 'saved'; at: string }
  | { type: 'restored'; at: string }
  | { type: 'error'; message: string };
