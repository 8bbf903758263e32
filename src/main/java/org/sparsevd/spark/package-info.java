/**
 * The distributed step and the trainer built on it: the gradient step over the cached blocks of
 * {@link org.sparsevd.spark.data} (send the flat parameters, compute each partition's share of
 * the minibatch with the engine, sum the partial gradients in partition order), distributed
 * evaluation, and {@link org.sparsevd.spark.SparkTrainer}, which every trainer of the project
 * goes through. It knows the engine only through {@link org.sparsevd.nn.Network} and the flat
 * parameter array.
 */
package org.sparsevd.spark;
