import { NeuriteError } from '@neurite/tensor';

/** Training cannot go on: a NaN or infinite cost, with the iteration where it appeared. */
export class TrainingError extends NeuriteError {
  override name = 'TrainingError';
  constructor(
    message: string,
    readonly iteration: number,
  ) {
    super(message);
  }
}

/** A saved model that cannot be read: the message names the file and what is wrong. */
export class ModelFormatError extends NeuriteError {
  override name = 'ModelFormatError';
}

/** A model used before it is built or compiled, or configured inconsistently. */
export class ModelError extends NeuriteError {
  override name = 'ModelError';
}

/**
 * A folder a save will not write into: a file or a link where the folder should be, a folder
 * holding files Neurite did not write, or a model that would be replaced without `overwrite`.
 */
export class FolderError extends NeuriteError {
  override name = 'FolderError';
}
