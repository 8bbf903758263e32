package org.sparsevd.nn;

/**
 * Training augmentation, spec {@code flip}: each example's map is mirrored left to right when
 * its draw is below 1/2 (torchvision's {@code RandomHorizontalFlip()}); see {@link
 * Augmentation} for the draws.
 */
public final class RandomFlip extends Augmentation {
  public RandomFlip(FeatureShape shape) {
    super(shape);
  }

  @Override public String spec() { return "flip"; }
  @Override int draws() { return 1; }

  @Override
  void apply(float[] u, int uOff, float[] in, float[] out, int off) {
    if (u[uOff] >= 0.5f) {
      System.arraycopy(in, off, out, off, shape.size());
      return;
    }
    int w = shape.width();
    int c = shape.channels();
    for (int i = 0; i < shape.height(); i++) {
      for (int j = 0; j < w; j++) {
        System.arraycopy(in, off + (i * w + w - 1 - j) * c, out, off + (i * w + j) * c, c);
      }
    }
  }

  /** A mirror is its own adjoint. */
  @Override
  void adjoint(float[] u, int uOff, float[] in, float[] out, int off) {
    apply(u, uOff, in, out, off);
  }
}
