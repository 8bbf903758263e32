/**
 * The Spark layer: training data cached as one compact {@link org.sparsevd.spark.DataBlock} per
 * partition, the distributed gradient step (broadcast the flat parameters, compute each
 * partition's share of the minibatch with the engine, sum the partial gradients in partition
 * order), distributed evaluation, and the readers that turn files into blocks. It knows the
 * engine only through {@link org.sparsevd.nn.Network} and the flat parameter array.
 */
package org.sparsevd.spark;
