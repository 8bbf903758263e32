/**
 * The method comparison: every dropout method trained with the library's trainer on the same
 * MNIST data, then measured side by side (predictive error, calibration, pruning, quantisation,
 * out-of-distribution AUROC) into a JSON record, a markdown table and a bar chart.
 */
package org.sparsevd.compare;
