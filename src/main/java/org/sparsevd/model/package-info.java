/**
 * The trained model (network description, parameters, preprocessing, provenance) and its
 * documented, versioned, checksummed on-disk format; {@link org.sparsevd.model.ModelStore}, where
 * scheduled retraining publishes models.
 */
package org.sparsevd.model;
