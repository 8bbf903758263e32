package org.sparsevd.nn;

/**
 * Training augmentation, spec {@code crop(P)}: each example's map is shifted by (dy, dx), each
 * drawn uniformly from [-P, P], the values shifted in from outside being 0. This is a crop of
 * the map zero-padded by P pixels on each side, at a random corner (torchvision's
 * {@code RandomCrop(size, padding=P)}). The shift is drawn from the example's noise, so an
 * example is cropped the same way whichever partition computes it, and differently at each
 * step. Evaluation and Monte-Carlo samples pass the map through.
 */
public final class RandomCrop implements ShapedLayer {
  private final FeatureShape shape;
  private final int pad;

  public RandomCrop(FeatureShape shape, int pad) {
    this.shape = shape;
    this.pad = pad;
  }

  int pad() { return pad; }
  @Override public FeatureShape outputShape() { return shape; }
  @Override public int inputSize() { return shape.size(); }
  @Override public int outputSize() { return shape.size(); }
  @Override public int paramCount() { return 0; }
  @Override public String spec() { return "crop(" + pad + ")"; }
  @Override public void init(float[] params, int off, long seed, int layerIndex) {}
  @Override public boolean stochastic() { return false; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Identity(shape.size());
  }

  /** Each row's shift, drawn by the forward pass and read by the backward pass. */
  private static final class Shifts implements Scratch {
    final float[] u;
    final int[] dy;
    final int[] dx;

    Shifts(int rows) {
      u = new float[2 * rows];
      dy = new int[rows];
      dx = new int[rows];
    }
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new Shifts(maxRows);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    int size = shape.size();
    if (mode != Mode.TRAIN) {
      System.arraycopy(x, 0, y, 0, rows * size);
      return;
    }
    Shifts s = (Shifts) scratch;
    noise.fillUniform(stream, rows, 2, s.u);
    for (int r = 0; r < rows; r++) {
      // u < 1, so the product in double stays below 2P + 1.
      s.dy[r] = (int) (s.u[2 * r] * (2.0 * pad + 1)) - pad;
      s.dx[r] = (int) (s.u[2 * r + 1] * (2.0 * pad + 1)) - pad;
      shift(x, r * size, y, r * size, s.dy[r], s.dx[r]);
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx == null) {
      return;
    }
    Shifts s = (Shifts) scratch;
    int size = shape.size();
    for (int r = 0; r < rows; r++) {
      // The adjoint of a shift by (a, b) is the shift by (-a, -b).
      shift(dy, r * size, dx, r * size, -s.dy[r], -s.dx[r]);
    }
  }

  /** out(i, j, c) = in(i + sy, j + sx, c), or 0 outside the map; channels-last rows. */
  private void shift(float[] in, int inOff, float[] out, int outOff, int sy, int sx) {
    int h = shape.height();
    int w = shape.width();
    int c = shape.channels();
    java.util.Arrays.fill(out, outOff, outOff + shape.size(), 0f);
    int j0 = Math.max(0, -sx);
    int j1 = Math.min(w, w - sx);
    if (j1 <= j0) {
      return;
    }
    for (int i = Math.max(0, -sy); i < Math.min(h, h - sy); i++) {
      System.arraycopy(in, inOff + ((i + sy) * w + j0 + sx) * c, out, outOff + (i * w + j0) * c,
          (j1 - j0) * c);
    }
  }
}
