/**
 * Sparse inference: a pruned network exported to compressed sparse rows per layer, and a
 * pure-Java predictor on that format.
 */
package org.sparsevd.sparse;
