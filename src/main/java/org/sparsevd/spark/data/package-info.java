/**
 * Training and held-out data on Spark: the {@link org.sparsevd.spark.data.DataSource} a job or
 * estimator names, the reader that turns files (labelled image folders too) or a DataFrame into
 * one compact {@link org.sparsevd.spark.data.DataBlock} per partition with contiguous row
 * numbers, and the distributed statistics of those blocks (feature scaling, example weights).
 * It knows nothing of networks or training.
 */
package org.sparsevd.spark.data;
