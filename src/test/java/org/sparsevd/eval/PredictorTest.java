package org.sparsevd.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.Noise;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.nn.Workspace;

class PredictorTest {

  @Test
  void theNllOfASureMistakeComesFromTheLogSoftmaxNotFromARoundedProbability() {
    Network net = NetworkSpec.parse("dense(2)", 1, VdSettings.DEFAULTS);
    // Layout: W[1 x 2], bias[2]. Logits (0, -120): p(class 1) = e^-120 is 0 in float.
    float[] params = {0, 0, 0, -120};
    Metrics m = new Metrics(2);
    new Predictor(net).evaluate(params, new float[] {0.5f}, new int[] {1}, 0, 1, 0, 1, m);
    assertEquals(120 + Math.log1p(Math.exp(-120)), m.nll(), 1e-9);
    assertEquals(0, m.accuracy());
  }

  @Test
  void theMonteCarloNllIsMinusTheLogOfTheMeanLikelihoodOverSamples() {
    Network net = NetworkSpec.parse("vd(6) | relu | vd(3)", 4, VdSettings.DEFAULTS);
    float[] params = net.initParams(5);
    float[] x = {0.3f, -1f, 2f, 0.1f, 1f, 1f, -0.5f, 0f};
    int[] labels = {2, 0};
    int samples = 7;
    long seed = 11;
    long first = 40;
    Metrics m = new Metrics(3);
    new Predictor(net).evaluate(params, x, labels, first, 2, samples, seed, m);

    Workspace ws = net.newWorkspace(1);
    double nll = 0;
    for (int r = 0; r < 2; r++) {
      double[] lp = new double[samples];
      for (int t = 0; t < samples; t++) {
        float[] z = net.forward(params, Arrays.copyOfRange(x, 4 * r, 4 * r + 4), 1,
            Mode.SAMPLE, Noise.forSample(seed, t, new long[] {first + r}), ws);
        lp[t] = z[labels[r]] - SoftmaxCrossEntropy.logSumExp(z, 0, 3);
      }
      double max = Arrays.stream(lp).max().getAsDouble();
      double sum = Arrays.stream(lp).map(v -> Math.exp(v - max)).sum();
      nll -= max + Math.log(sum / samples);
    }
    assertEquals(nll / 2, m.nll(), 1e-9);
  }

  @Test
  void predictionSamplesDrawOtherNoiseThanTrainingSteps() {
    long[] ids = {3, 4};
    float[] train = new float[16];
    float[] sample = new float[16];
    for (int t = 0; t < 3; t++) {
      new Noise(9, t, ids).fill(0, 2, 8, train);
      Noise.forSample(9, t, ids).fill(0, 2, 8, sample);
      assertFalse(Arrays.equals(train, sample), "step and sample " + t);
    }
  }
}
