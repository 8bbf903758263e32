package org.sparsevd.nn;

/**
 * Max-pooling over non-overlapping size x size windows of a channels-last feature map (rows
 * and columns past the last whole window are dropped, as in Caffe's LeNet). The backward pass
 * routes each output's gradient to the input that won its window (the first one on ties).
 */
public final class MaxPool2d implements ShapedLayer {
  private final FeatureShape in;
  private final FeatureShape out;
  private final int size;

  public MaxPool2d(FeatureShape in, int size) {
    if (size <= 0 || size > in.height() || size > in.width()) {
      throw new IllegalArgumentException("max-pool window " + size + " does not fit its input "
          + in);
    }
    this.in = in;
    this.size = size;
    this.out = new FeatureShape(in.height() / size, in.width() / size, in.channels());
  }

  public int size() { return size; }
  public FeatureShape inputShape() { return in; }
  @Override public FeatureShape outputShape() { return out; }
  @Override public int inputSize() { return in.size(); }
  @Override public int outputSize() { return out.size(); }
  @Override public int paramCount() { return 0; }
  @Override public String spec() { return "maxpool(" + size + ")"; }
  @Override public void init(float[] params, int off, long seed, int layerIndex) {}
  @Override public boolean stochastic() { return false; }

  @Override
  public EvalForm.Pool evalForm(float[] params, int off) {
    return new EvalForm.Pool(in, out, size);
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new Winners(new int[maxRows * out.size()]);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    int[] winner = ((Winners) scratch).index;
    int c = in.channels();
    int w = in.width();
    int o = 0;
    for (int r = 0; r < rows; r++) {
      int img = r * in.size();
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          int corner = img + (oy * size * w + ox * size) * c;
          for (int ch = 0; ch < c; ch++, o++) {
            int best = corner + ch;
            for (int ky = 0; ky < size; ky++) {
              for (int kx = 0; kx < size; kx++) {
                int i = corner + (ky * w + kx) * c + ch;
                if (x[i] > x[best]) {
                  best = i;
                }
              }
            }
            winner[o] = best;
            y[o] = x[best];
          }
        }
      }
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx == null) {
      return;
    }
    int[] winner = ((Winners) scratch).index;
    java.util.Arrays.fill(dx, 0, rows * in.size(), 0f);
    for (int o = 0, n = rows * out.size(); o < n; o++) {
      dx[winner[o]] += dy[o];
    }
  }

  private record Winners(int[] index) implements Scratch {}
}
