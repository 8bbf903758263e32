package org.sparsevd.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sparsevd.math.MatMul;

/**
 * Max-pooling over non-overlapping size x size windows of a channels-last feature map (rows
 * and columns past the last whole window are dropped, as in Caffe's LeNet). The backward pass
 * routes each output's gradient to the input that won its window (the first one on ties).
 */
public final class MaxPool2d implements ShapedLayer {
  private static final boolean VECTOR = MatMul.isVectorized();
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
    float[] offsets = VECTOR ? Lanes.offsets() : null;
    int o = 0;
    for (int r = 0; r < rows; r++) {
      int img = r * in.size();
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++, o += c) {
          int corner = img + (oy * size * w + ox * size) * c;
          int ch = VECTOR ? Lanes.window(x, corner, w, c, size, y, winner, o, offsets) : 0;
          for (; ch < c; ch++) {
            int best = corner + ch;
            for (int ky = 0; ky < size; ky++) {
              for (int kx = 0; kx < size; kx++) {
                int i = corner + (ky * w + kx) * c + ch;
                if (x[i] > x[best]) {
                  best = i;
                }
              }
            }
            winner[o + ch] = best;
            y[o + ch] = x[best];
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

  /**
   * One window's channels in vector lanes: the same strict comparisons in the same order as
   * the scalar loop, as selections, so the same winner on ties and NaN; a branch per
   * comparison mispredicts on data. A lane's winning offset is kept as a float (exact: below
   * 2^24) and turned into the index in a scalar pass, as F2I runs boxed on this JDK.
   */
  private static final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** A buffer for {@link #window}'s winning offsets. */
    static float[] offsets() {
      return new float[F.length()];
    }

    /** Channels [0, loopBound(c)) of the window at corner; returns where it stopped. */
    static int window(float[] x, int corner, int w, int c, int size, float[] y, int[] winner,
                      int o, float[] offset) {
      int ch = 0;
      for (int bound = F.loopBound(c); ch < bound; ch += F.length()) {
        FloatVector best = FloatVector.fromArray(F, x, corner + ch);
        FloatVector at = FloatVector.zero(F);
        for (int ky = 0; ky < size; ky++) {
          for (int kx = ky == 0 ? 1 : 0; kx < size; kx++) {
            int d = (ky * w + kx) * c;
            FloatVector v = FloatVector.fromArray(F, x, corner + d + ch);
            VectorMask<Float> more = v.compare(VectorOperators.GT, best);
            best = best.blend(v, more);
            at = at.blend((float) d, more);
          }
        }
        best.intoArray(y, o + ch);
        at.intoArray(offset, 0);
        for (int l = 0; l < F.length(); l++) {
          winner[o + ch + l] = corner + ch + l + (int) offset[l];
        }
      }
      return ch;
    }
  }
}
