package org.sparsevd.optim;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1) with bias-corrected moments:
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 */
public record Adam(double beta1, double beta2, double epsilon) implements Optimizer {
  /** The paper's defaults, used by the authors' Sparse VD recipes. */
  public static final Adam DEFAULT = new Adam(0.9, 0.999, 1e-8);

  public Adam {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException("adam(beta1=" + beta1 + ", beta2=" + beta2
          + ", eps=" + epsilon + "): need betas in [0, 1) and eps > 0");
    }
  }

  @Override
  public OptimizerState newState(int n) {
    return new OptimizerState(0, new float[n], new float[n]);
  }

  @Override
  public void step(OptimizerState state, float[] params, float[] grad, double lr) {
    float[] m = state.first();
    float[] v = state.second();
    if (m.length != params.length || grad.length != params.length) {
      throw new IllegalArgumentException("adam: " + params.length + " parameters, "
          + grad.length + " gradients, state for " + m.length);
    }
    state.advance();
    long t = state.steps();
    // Fold both bias corrections into the step size once per step, not per parameter.
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    float stepSize = (float) (lr * Math.sqrt(c2) / c1);
    float epsHat = (float) (epsilon * Math.sqrt(c2));
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    for (int k = 0; k < params.length; k++) {
      float g = grad[k];
      m[k] = b1 * m[k] + (1 - b1) * g;
      v[k] = b2 * v[k] + (1 - b2) * g * g;
      params[k] -= stepSize * m[k] / ((float) Math.sqrt(v[k]) + epsHat);
    }
  }
}
