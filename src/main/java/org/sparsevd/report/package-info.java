/**
 * What a person looks at after a run: PNG plots of the training curves, the sparsity per layer,
 * the log alpha distribution and the first layer's kept inputs ({@link
 * org.sparsevd.report.Plots}), a bar chart of a method comparison table, and the self-contained
 * {@code report.html} of a run directory ({@link org.sparsevd.report.RunReport}). Plots are
 * JFreeChart charts, rendered headless; notebooks call the same methods.
 */
package org.sparsevd.report;
