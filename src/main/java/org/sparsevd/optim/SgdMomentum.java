package org.sparsevd.optim;

/**
 * Stochastic gradient descent with heavy-ball momentum, in the form PyTorch uses:
 * v = mu v + g; p -= lr v. With momentum 0 it is plain SGD.
 */
public record SgdMomentum(double momentum) implements Optimizer {
  public SgdMomentum {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("sgd momentum " + momentum + " outside [0, 1)");
    }
  }

  @Override
  public OptimizerState newState(int n) {
    return new OptimizerState(0, new float[n], new float[0]);
  }

  @Override
  public void step(OptimizerState state, float[] params, float[] grad, double lr) {
    float[] v = state.first();
    if (v.length != params.length || grad.length != params.length) {
      throw new IllegalArgumentException("sgd: " + params.length + " parameters, "
          + grad.length + " gradients, state for " + v.length);
    }
    state.advance();
    float mu = (float) momentum;
    float rate = (float) lr;
    for (int k = 0; k < params.length; k++) {
      v[k] = mu * v[k] + grad[k];
      params[k] -= rate * v[k];
    }
  }
}
