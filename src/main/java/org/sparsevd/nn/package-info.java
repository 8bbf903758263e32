/**
 * The sparse variational dropout engine: variational dense layers with the local
 * reparameterisation trick, the KL term, softmax cross-entropy, the network that ties them
 * together over one flat parameter array, and the dropout layers the methods compare:
 * Gaussian, Bernoulli, per-neuron variational, Concrete and information dropout. No Spark
 * dependency.
 */
package org.sparsevd.nn;
