package org.sparsevd.nn;

/**
 * A layer whose KL term depends on the example (information dropout: the noise scale is a
 * function of the input). Such a term is a sum over the training set, estimated from the batch
 * like the cross-entropy, and it follows the KL schedule like every other KL term: the
 * objective is {@code N * mean_batch(CE + klWeight * KL(x)) + klWeight * KL}.
 *
 * <p>The network gives the layer its weight before a training pass, since the KL gradient
 * flows through the same backward pass as the cross-entropy's (into the layer's parameters and
 * its input); the layer's backward pass adds {@code weight * dKL(x)/d.} to the gradients.
 */
public interface PerExampleKl extends Layer {
  /** Sets the KL weight of the next backward passes through {@code scratch}. */
  default void setKlWeight(Scratch scratch, float weight) {
    ((KlScratch) scratch).klWeight = weight;
  }

  /** The KL (unweighted) summed over the rows of the last training pass through {@code scratch}. */
  default double exampleKl(Scratch scratch) {
    return ((KlScratch) scratch).kl;
  }

  /** What such a layer's scratch holds besides its buffers: the weight it got, the KL it made. */
  abstract class KlScratch implements Scratch {
    float klWeight;
    double kl;
  }
}
