/**
 * Sparse inference: the pruned network ({@link org.sparsevd.sparse.PrunedNetwork}, with
 * per-neuron pruning folded in, kept neurons, FLOPs and the shrunk dense network; {@link
 * org.sparsevd.sparse.ShrunkConvNetwork} for convolutional networks), exported to
 * compressed sparse rows per layer with a pure-Java predictor on that format, and quantisation
 * of the kept weights after pruning.
 */
package org.sparsevd.sparse;
