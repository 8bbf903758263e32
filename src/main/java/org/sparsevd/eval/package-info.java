/**
 * Evaluation without Spark: deterministic and Monte-Carlo predictive probabilities of a
 * network on a block of examples, and mergeable metrics over them (accuracy, NLL, expected
 * calibration error, Brier score, confusion matrix), predictive entropy and AUROC.
 */
package org.sparsevd.eval;
