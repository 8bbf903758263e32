/**
 * The trained model (network description, parameters, preprocessing, provenance) and its
 * documented, versioned, checksummed on-disk format.
 */
package org.sparsevd.model;
