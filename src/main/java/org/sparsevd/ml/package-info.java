/**
 * The Spark ML API: {@link org.sparsevd.ml.SparseVDClassifier}, an Estimator usable in
 * {@code Pipeline}, {@code CrossValidator} and {@code TrainValidationSplit}, and the model it
 * fits, {@link org.sparsevd.ml.SparseVDClassificationModel}, with Monte-Carlo uncertainty
 * columns, sparsity reports and persistence ({@link org.sparsevd.ml.ModelPersistence}).
 * Training goes through the same loop and distributed step as the train job.
 */
package org.sparsevd.ml;
