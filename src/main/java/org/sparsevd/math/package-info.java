/**
 * Dense float kernels on flat row-major {@code float[]} arrays: no dependencies, no
 * allocation in the hot path. {@link org.sparsevd.math.MatMul} is the entry point; it checks
 * arguments and delegates to an implementation chosen once (the {@code jdk.incubator.vector}
 * one when the module is present, the scalar one otherwise).
 */
package org.sparsevd.math;
