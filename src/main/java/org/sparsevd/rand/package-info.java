/**
 * Counter-based randomness: every random number is a pure function of
 * (seed, stream, step, example, index), so the noise an example sees does not depend on which
 * thread, partition or machine computes it.
 */
package org.sparsevd.rand;
