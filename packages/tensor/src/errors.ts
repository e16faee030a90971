/**
 * Every error Neurite throws is a NeuriteError, so callers can catch the library's
 * failures without catching their own bugs. Messages name the argument, what was
 * expected and what was received.
 */
export class NeuriteError extends Error {
  override name = 'NeuriteError';
}

/** Shapes that do not fit: broadcasting, matmul inner dimensions, reshape sizes. */
export class ShapeError extends NeuriteError {
  override name = 'ShapeError';
}

/** A dtype that is unknown or not allowed where it was given. */
export class DTypeError extends NeuriteError {
  override name = 'DTypeError';
}

/** An unknown backend name, or a backend that failed to load or lacks an op. */
export class BackendError extends NeuriteError {
  override name = 'BackendError';
}

/** A value out of range: a non-finite size, a bad axis, a seed outside [0, 2^32). */
export class ValueError extends NeuriteError {
  override name = 'ValueError';
}
