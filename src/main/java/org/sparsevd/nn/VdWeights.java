package org.sparsevd.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sparsevd.math.ArrayMath;
import org.sparsevd.math.MatMul;

/**
 * The per-weight loops of {@link VariationalDense}, run once per step over every weight: the
 * forward quantities (masked mean weights, variance alpha theta^2), the backward combination
 * of the two matrix-product gradients, and the KL gradient. Their branches depend on each
 * weight's alpha, which a scalar loop mispredicts about as often as not; the vector bodies
 * use masks instead. Both bodies perform the same IEEE operations in the same order, so they
 * give bitwise equal results (the scalar one is the reference in the tests).
 *
 * <p>Layout: weight k of the layer has theta at {@code p[thetaOff + k]} and its second
 * parameter u (log sigma^2 or log alpha) at {@code p[uOff + k]}; per-weight scratch arrays
 * are indexed by k. With the additive parameterisation alpha = e^u / (theta^2 + eps),
 * otherwise e^u; it is then clamped to [alphaMin, alphaMax].
 */
final class VdWeights {
  private static final boolean VECTOR = MatMul.isVectorized();

  /** A layer's constants: the clip range and threshold as alphas, and the parameterisation. */
  record Bounds(float alphaMin, float alphaMax, float alphaThreshold, float logAlphaMin,
                float logAlphaMax, boolean additive) {}

  private VdWeights() {}

  /**
   * Writes alpha (clamped), the variance alpha theta^2 and the mean-path weights (theta, or
   * 0 for a pruned weight when {@code mask}) of weights [from, to).
   *
   * @param expU e^u per weight; not modified
   */
  static void forward(float[] p, int thetaOff, int from, int to, float[] expU, Bounds b,
                      boolean mask, float[] alpha, float[] variance, float[] meanTheta) {
    int k = VECTOR
        ? Lanes.forward(p, thetaOff, from, to, expU, b, mask, alpha, variance, meanTheta) : from;
    for (; k < to; k++) {
      float theta = p[thetaOff + k];
      float t2 = theta * theta;
      float raw = b.additive() ? expU[k] / (t2 + VariationalDense.THETA2_EPS) : expU[k];
      float a = Math.min(Math.max(raw, b.alphaMin()), b.alphaMax());
      alpha[k] = a;
      variance[k] = a * t2;
      meanTheta[k] = mask && !(a < b.alphaThreshold()) ? 0f : theta;
    }
  }

  /**
   * Adds the parameter gradients given the gradients of the mean-path weights and of the
   * variance: d theta = [kept] gMean + gVar dvar/dtheta, d u = gVar dvar/du, where a clipped
   * alpha passes no gradient to u and makes var = alpha_clip theta^2.
   */
  static void backward(float[] p, int thetaOff, int from, int to, float[] expU, float[] alpha,
                       Bounds b, boolean mask, float[] gMean, float[] gVar, float[] grad,
                       int gThetaOff, int gUOff) {
    int k = VECTOR
        ? Lanes.backward(p, thetaOff, from, to, expU, alpha, b, mask, gMean, gVar, grad,
            gThetaOff, gUOff)
        : from;
    float eps = VariationalDense.THETA2_EPS;
    for (; k < to; k++) {
      float theta = p[thetaOff + k];
      float t2 = theta * theta;
      float d = t2 + eps;
      float raw = b.additive() ? expU[k] / d : expU[k];
      float a = alpha[k];
      boolean clipped = a != raw;
      float gm = mask && !(a < b.alphaThreshold()) ? 0f : gMean[k];
      float dTheta = clipped || !b.additive() ? 2f * a * theta
          : expU[k] * 2f * theta * eps / (d * d);
      float dU = clipped ? 0f : a * t2;
      grad[gThetaOff + k] += gm + gVar[k] * dTheta;
      grad[gUOff + k] += gVar[k] * dU;
    }
  }

  /** Adds weight * dKL/d(theta, u) for every weight (see {@link SparseVdKl}). */
  static void klGradient(float[] p, int thetaOff, int uOff, int n, Bounds b, float weight,
                         float[] grad, int gThetaOff, int gUOff) {
    float[] logAlpha = new float[n];
    float[] sig = new float[n];
    if (b.additive()) {
      for (int k = 0; k < n; k++) {
        float theta = p[thetaOff + k];
        logAlpha[k] = theta * theta + VariationalDense.THETA2_EPS;
      }
      ArrayMath.log(logAlpha, 0, logAlpha, 0, n);
      for (int k = 0; k < n; k++) {
        logAlpha[k] = p[uOff + k] - logAlpha[k];
      }
    } else {
      System.arraycopy(p, uOff, logAlpha, 0, n);
    }
    // sig = exp(-(k2 + k3 la)), alpha = exp(la), la clamped; then the derivative
    // dKL/dla = -k1 k3 s (1 - s) - 0.5 / (1 + alpha), s = 1 / (1 + sig).
    float k2 = (float) SparseVdKl.K2;
    float k3 = (float) SparseVdKl.K3;
    float[] alpha = new float[n];
    for (int k = 0; k < n; k++) {
      float la = Math.min(Math.max(logAlpha[k], b.logAlphaMin()), b.logAlphaMax());
      sig[k] = -(k2 + k3 * la);
      alpha[k] = la;
    }
    ArrayMath.exp(sig, 0, sig, 0, n);
    ArrayMath.exp(alpha, 0, alpha, 0, n);
    float k1k3 = (float) (SparseVdKl.K1 * SparseVdKl.K3);
    int k = VECTOR
        ? Lanes.kl(p, thetaOff, n, logAlpha, sig, alpha, b, weight, k1k3, grad, gThetaOff, gUOff)
        : 0;
    for (; k < n; k++) {
      float la = logAlpha[k];
      if (!(la >= b.logAlphaMin() && la <= b.logAlphaMax())) {
        continue;
      }
      float s = 1f / (1f + sig[k]);
      float g = weight * (-k1k3 * s * (1f - s) - 0.5f / (1f + alpha[k]));
      grad[gUOff + k] += g;
      if (b.additive()) {
        float theta = p[thetaOff + k];
        grad[gThetaOff + k] += g * -2f * theta / (theta * theta + VariationalDense.THETA2_EPS);
      }
    }
  }

  /** Vector bodies; each returns where it stopped, the scalar loop does the tail. */
  private static final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    static int forward(float[] p, int thetaOff, int from, int to, float[] expU, Bounds b,
                       boolean mask, float[] alpha, float[] variance, float[] meanTheta) {
      int k = from;
      FloatVector zero = FloatVector.zero(F);
      for (; k + F.length() <= to; k += F.length()) {
        FloatVector theta = FloatVector.fromArray(F, p, thetaOff + k);
        FloatVector t2 = theta.mul(theta);
        FloatVector e = FloatVector.fromArray(F, expU, k);
        FloatVector raw = b.additive() ? e.div(t2.add(VariationalDense.THETA2_EPS)) : e;
        FloatVector a = raw.max(b.alphaMin()).min(b.alphaMax());
        a.intoArray(alpha, k);
        a.mul(t2).intoArray(variance, k);
        FloatVector mean = mask
            ? theta.blend(zero, a.compare(VectorOperators.LT, b.alphaThreshold()).not())
            : theta;
        mean.intoArray(meanTheta, k);
      }
      return k;
    }

    static int backward(float[] p, int thetaOff, int from, int to, float[] expU, float[] alpha,
                        Bounds b, boolean mask, float[] gMean, float[] gVar, float[] grad,
                        int gThetaOff, int gUOff) {
      int k = from;
      FloatVector zero = FloatVector.zero(F);
      float eps = VariationalDense.THETA2_EPS;
      for (; k + F.length() <= to; k += F.length()) {
        FloatVector theta = FloatVector.fromArray(F, p, thetaOff + k);
        FloatVector t2 = theta.mul(theta);
        FloatVector d = t2.add(eps);
        FloatVector e = FloatVector.fromArray(F, expU, k);
        FloatVector raw = b.additive() ? e.div(d) : e;
        FloatVector a = FloatVector.fromArray(F, alpha, k);
        VectorMask<Float> clipped = a.compare(VectorOperators.NE, raw);
        FloatVector gm = FloatVector.fromArray(F, gMean, k);
        if (mask) {
          gm = gm.blend(zero, a.compare(VectorOperators.LT, b.alphaThreshold()).not());
        }
        FloatVector clipTheta = a.mul(2f).mul(theta);
        FloatVector dTheta = b.additive()
            ? e.mul(2f).mul(theta).mul(eps).div(d.mul(d)).blend(clipTheta, clipped)
            : clipTheta;
        FloatVector dU = a.mul(t2).blend(zero, clipped);
        FloatVector gv = FloatVector.fromArray(F, gVar, k);
        FloatVector.fromArray(F, grad, gThetaOff + k).add(gm.add(gv.mul(dTheta)))
            .intoArray(grad, gThetaOff + k);
        FloatVector.fromArray(F, grad, gUOff + k).add(gv.mul(dU)).intoArray(grad, gUOff + k);
      }
      return k;
    }

    static int kl(float[] p, int thetaOff, int n, float[] logAlpha, float[] sig, float[] alpha,
                  Bounds b, float weight, float k1k3, float[] grad, int gThetaOff, int gUOff) {
      int k = 0;
      for (int bound = F.loopBound(n); k < bound; k += F.length()) {
        FloatVector la = FloatVector.fromArray(F, logAlpha, k);
        VectorMask<Float> inside = la.compare(VectorOperators.GE, b.logAlphaMin())
            .and(la.compare(VectorOperators.LE, b.logAlphaMax()));
        FloatVector s = FloatVector.broadcast(F, 1f)
            .div(FloatVector.fromArray(F, sig, k).add(1f));
        FloatVector half = FloatVector.broadcast(F, 0.5f)
            .div(FloatVector.fromArray(F, alpha, k).add(1f));
        FloatVector g = s.mul(-k1k3).mul(FloatVector.broadcast(F, 1f).sub(s)).sub(half)
            .mul(weight);
        // Masked adds leave clipped weights' gradients untouched, as the scalar loop does.
        FloatVector.fromArray(F, grad, gUOff + k).add(g, inside).intoArray(grad, gUOff + k);
        if (b.additive()) {
          FloatVector theta = FloatVector.fromArray(F, p, thetaOff + k);
          FloatVector dTheta = g.mul(-2f).mul(theta)
              .div(theta.mul(theta).add(VariationalDense.THETA2_EPS));
          FloatVector.fromArray(F, grad, gThetaOff + k).add(dTheta, inside)
              .intoArray(grad, gThetaOff + k);
        }
      }
      return k;
    }
  }
}
