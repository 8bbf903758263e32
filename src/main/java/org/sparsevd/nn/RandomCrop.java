package org.sparsevd.nn;

/**
 * Training augmentation, spec {@code crop(P[, p=Q])}: each example's map is shifted by (dy, dx),
 * each drawn uniformly from [-P, P], the values shifted in from outside being 0. This is a crop
 * of the map zero-padded by P pixels on each side, at a random corner (torchvision's
 * {@code RandomCrop(size, padding=P)}). With {@code p=Q} below 1 only a fraction Q of the
 * examples is shifted, chosen by a third draw, the others passing through (torchvision's
 * {@code RandomApply([RandomCrop(...)], p=Q)}): milder augmentation, for a network that is
 * also to be pruned hard. See {@link Augmentation} for the draws.
 */
public final class RandomCrop extends Augmentation {
  private final int pad;
  private final double probability;

  /** @param probability the fraction of examples shifted, in (0, 1] */
  public RandomCrop(FeatureShape shape, int pad, double probability) {
    super(shape);
    if (!(probability > 0 && probability <= 1)) {
      throw new IllegalArgumentException("crop probability " + probability
          + " must be in (0, 1]");
    }
    this.pad = pad;
    this.probability = probability;
  }

  int pad() { return pad; }
  double probability() { return probability; }

  @Override
  public String spec() {
    return "crop(" + pad + (probability < 1 ? ", p=" + probability : "") + ")";
  }

  /** Two shifts, and whether to shift at all only when that is not certain. */
  @Override int draws() { return probability < 1 ? 3 : 2; }

  /** A draw u in (0, 1) as a shift in [-P, P]; in double the product stays below 2P + 1. */
  private int offset(float u) {
    return (int) (u * (2.0 * pad + 1)) - pad;
  }

  /** The third draw, in (0, 1), below Q shifts the example. */
  private boolean shifted(float[] u, int uOff) {
    return probability >= 1 || u[uOff + 2] < probability;
  }

  @Override
  void apply(float[] u, int uOff, float[] in, float[] out, int off) {
    int sign = shifted(u, uOff) ? 1 : 0;
    shift(in, out, off, sign * offset(u[uOff]), sign * offset(u[uOff + 1]));
  }

  /** The adjoint of a shift by (a, b) is the shift by (-a, -b). */
  @Override
  void adjoint(float[] u, int uOff, float[] in, float[] out, int off) {
    int sign = shifted(u, uOff) ? -1 : 0;
    shift(in, out, off, sign * offset(u[uOff]), sign * offset(u[uOff + 1]));
  }

  /** out(i, j, c) = in(i + sy, j + sx, c), or 0 outside the map; channels-last rows. */
  private void shift(float[] in, float[] out, int off, int sy, int sx) {
    int h = shape.height();
    int w = shape.width();
    int c = shape.channels();
    java.util.Arrays.fill(out, off, off + shape.size(), 0f);
    int j0 = Math.max(0, -sx);
    int j1 = Math.min(w, w - sx);
    if (j1 <= j0) {
      return;
    }
    for (int i = Math.max(0, -sy); i < Math.min(h, h - sy); i++) {
      System.arraycopy(in, off + ((i + sy) * w + j0 + sx) * c, out, off + (i * w + j0) * c,
          (j1 - j0) * c);
    }
  }
}
