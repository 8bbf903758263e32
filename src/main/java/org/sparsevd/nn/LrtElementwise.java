package org.sparsevd.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.sparsevd.math.MatMul;

/**
 * The elementwise passes of the local reparameterisation trick in {@link VariationalDense},
 * over [rows x out] and [rows x in], in vector lanes when the kernels are vectorised (the
 * compiler leaves these loops scalar): the same operations per element on both paths, so the
 * same bits.
 */
final class LrtElementwise {
  private static final boolean VECTOR = MatMul.isVectorized();

  /** x2 = x * x. */
  static void square(float[] x, float[] x2, int n) {
    int k = VECTOR ? Lanes.square(x, x2, n) : 0;
    for (; k < n; k++) {
      x2[k] = x[k] * x[k];
    }
  }

  /** std = sqrt(var + VAR_EPS), in place of var; y += std * eps. */
  static void sample(float[] var, float[] eps, float[] y, int n) {
    int k = VECTOR ? Lanes.sample(var, eps, y, n) : 0;
    for (; k < n; k++) {
      float sd = (float) Math.sqrt(var[k] + VariationalDense.VAR_EPS);
      var[k] = sd;
      y[k] += sd * eps[k];
    }
  }

  /** dVar = dy * eps / (2 std): the gradient reaching the variance through the sample. */
  static void varianceGradient(float[] dy, float[] eps, float[] std, float[] dVar, int n) {
    int k = VECTOR ? Lanes.varianceGradient(dy, eps, std, dVar, n) : 0;
    for (; k < n; k++) {
      dVar[k] = dy[k] * eps[k] / (2f * std[k]);
    }
  }

  private LrtElementwise() {}

  /**
   * Vector bodies of {@link LrtElementwise}; each returns where it stopped. The float square
   * root equals the scalar path's double one rounded to float (a square root rounded to double
   * and then to float is rounded once).
   */
  private static final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    static int square(float[] x, float[] x2, int n) {
      int k = 0;
      for (int bound = F.loopBound(n); k < bound; k += F.length()) {
        FloatVector v = FloatVector.fromArray(F, x, k);
        v.mul(v).intoArray(x2, k);
      }
      return k;
    }

    static int sample(float[] var, float[] eps, float[] y, int n) {
      int k = 0;
      for (int bound = F.loopBound(n); k < bound; k += F.length()) {
        FloatVector sd = FloatVector.fromArray(F, var, k).add(VariationalDense.VAR_EPS).sqrt();
        sd.intoArray(var, k);
        FloatVector.fromArray(F, y, k).add(sd.mul(FloatVector.fromArray(F, eps, k)))
            .intoArray(y, k);
      }
      return k;
    }

    static int varianceGradient(float[] dy, float[] eps, float[] std, float[] dVar, int n) {
      int k = 0;
      for (int bound = F.loopBound(n); k < bound; k += F.length()) {
        FloatVector.fromArray(F, dy, k).mul(FloatVector.fromArray(F, eps, k))
            .div(FloatVector.fromArray(F, std, k).mul(2f)).intoArray(dVar, k);
      }
      return k;
    }
  }
}
