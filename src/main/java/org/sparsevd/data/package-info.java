/**
 * Input data without Spark: {@link org.sparsevd.data.LabeledData} (a dense row-major block of
 * features with integer labels, and its validation), {@link org.sparsevd.data.MnistIdx} (the
 * IDX reader, through the Hadoop {@code FileSystem} API so that local, HDFS and S3 paths all
 * work), {@link org.sparsevd.data.MnistDownloader} (finds the MNIST files or fetches them into
 * a checksum-verified cache) and {@link org.sparsevd.data.Scaling} (feature scaling fitted on the
 * training set and stored with a model), {@link org.sparsevd.data.OodImages}
 * (out-of-distribution images: rotated, noise) and {@link org.sparsevd.data.ImageSize} (the
 * height, width and channels of image rows). Every problem found in the data is reported as an
 * {@link org.sparsevd.data.InvalidDataException} whose message names the source and the row.
 */
package org.sparsevd.data;
