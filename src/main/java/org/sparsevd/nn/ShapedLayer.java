package org.sparsevd.nn;

/** A layer whose output is a feature map (an image input, a convolution, a pooling). */
public interface ShapedLayer extends Layer {
  FeatureShape outputShape();
}
