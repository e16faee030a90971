/**
 * Every error Neurite throws is a NeuriteError, so callers can catch the library's
 * failures without catching their own bugs. Messages name the function, the argument,
 * what was expected and what was received (validate.ts builds them).
 */
export class NeuriteError extends Error {
  override name = 'NeuriteError';
}

/** Shapes that do not fit: broadcasting, matmul inner dimensions, reshape sizes. */
export class ShapeError extends NeuriteError {
  override name = 'ShapeError';
}

/** A dtype that is unknown or not allowed where it was given, BigInt64Array data included. */
export class DTypeError extends NeuriteError {
  override name = 'DTypeError';
}

/** An unknown backend name, or a backend that failed to load or lacks an op. */
export class BackendError extends NeuriteError {
  override name = 'BackendError';
}

/** A value out of range: a non-finite size, a bad axis, a seed outside [0, 2^32), an unknown option. */
export class ValueError extends NeuriteError {
  override name = 'ValueError';
}

/**
 * A value of the wrong kind: a string where a number goes, an array where a Tensor goes, a
 * bigint. It is a ValueError too, so code that catches ValueError keeps catching it.
 */
export class ArgumentTypeError extends ValueError {
  override name = 'ArgumentTypeError';
}

/**
 * The runtime could not provide the memory a valid request needs (numpy's MemoryError). Sizes
 * no typed array can hold are refused earlier, as a ValueError naming the shape.
 */
export class AllocationError extends NeuriteError {
  override name = 'AllocationError';
}
