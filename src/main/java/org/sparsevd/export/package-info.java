/**
 * Trained models in formats for serving outside Spark: {@link org.sparsevd.export.OnnxExport}
 * (an ONNX graph from raw features to class probabilities, written with a small protobuf
 * encoder of its own) and {@link org.sparsevd.export.CsrExport} (the pruned network in
 * compressed sparse rows with its feature scaling, one checksummed file, loaded by
 * {@link org.sparsevd.export.CsrModel} with no Spark or Hadoop class).
 */
package org.sparsevd.export;
