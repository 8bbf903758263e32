package org.sparsevd.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsevd.nn.LayerWeights;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.Sparsity;
import org.sparsevd.nn.VdSettings;

class SparseNetworkTest {
  @Test
  void csrPredictionsEqualTheMaskedDenseNetwork() {
    Network net = NetworkSpec.parse("vd(40) | relu | gdrop(0.2) | vd(20) | relu | vd(10)", 64,
        VdSettings.DEFAULTS);
    float[] params = net.initParams(3);
    SplittableRandom rnd = new SplittableRandom(5);
    // Prune about 90% of the weights through large log sigma^2.
    for (int l = 0; l < net.layers().size(); l++) {
      int n = LayerWeights.count(net.layers().get(l));
      int off = net.offset(l);
      for (int k = 0; k < n; k++) {
        params[off + k] = (float) rnd.nextGaussian() * 0.3f;
        params[off + n + k] = rnd.nextDouble() < 0.9 ? 5f : -12f;
      }
      for (int j = 0; j < net.layers().get(l).outputSize() && n > 0; j++) {
        params[off + 2 * n + j] = (float) rnd.nextGaussian() * 0.1f;
      }
    }
    Sparsity sp = net.sparsity(params);
    assertTrue(sp.sparsity() > 0.85 && sp.sparsity() < 0.95, "sparsity " + sp.sparsity());

    int rows = 50;
    float[] x = new float[rows * 64];
    for (int k = 0; k < x.length; k++) {
      x[k] = rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextDouble();
    }
    float[] dense = net.forward(params, x, rows, Mode.EVAL, null, net.newWorkspace(rows)).clone();
    SparseNetwork csr = SparseNetwork.export(net, params);
    float[] sparse = new float[rows * 10];
    java.util.Arrays.fill(sparse, Float.NaN);
    csr.predict(x, rows, sparse);

    long nnz = csr.steps().stream().filter(s -> s.weights() != null)
        .mapToLong(s -> s.weights().nonZeros()).sum();
    assertEquals(sp.kept(), nnz);
    for (int r = 0; r < rows; r++) {
      assertEquals(argmax(dense, r * 10), argmax(sparse, r * 10), "row " + r);
      for (int c = 0; c < 10; c++) {
        assertEquals(dense[r * 10 + c], sparse[r * 10 + c], 1e-5, "row " + r + " class " + c);
      }
    }
  }

  @Test
  void inconsistentCsrIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CsrMatrix(2, 3, new int[] {0, 1, 2}, new int[] {0, 3}, new float[] {1, 2}));
    assertEquals("csr entry 1: column 3 outside [0, 3)", e.getMessage());
  }

  @Test
  void stepsAreKeptAsGivenAndMustChainTheirWidths() {
    // Input 0 is never read, so prediction renumbers the inputs; steps() must not.
    CsrMatrix first = new CsrMatrix(2, 3, new int[] {0, 1, 2}, new int[] {1, 2}, new float[] {1, 2});
    CsrMatrix second = new CsrMatrix(1, 2, new int[] {0, 2}, new int[] {0, 1}, new float[] {3, 4});
    List<SparseNetwork.Step> steps = List.of(new SparseNetwork.Step(first, new float[2]),
        new SparseNetwork.Step(null, null), new SparseNetwork.Step(second, new float[1]));
    SparseNetwork net = new SparseNetwork(3, 1, steps);
    assertEquals(steps, net.steps());
    float[] logits = new float[1];
    net.predict(new float[] {100, 5, -1}, 1, logits);
    assertEquals(3 * 5 + 4 * 0, logits[0]);

    assertEquals("sparse step 2: 1x2 weights with 1 biases after a width of 3",
        assertThrows(IllegalArgumentException.class, () -> new SparseNetwork(3, 1,
            List.of(steps.get(1), steps.get(1), steps.get(2)))).getMessage());
    assertEquals("sparse network ends in 1 outputs, 2 classes expected",
        assertThrows(IllegalArgumentException.class, () -> new SparseNetwork(3, 2, steps))
            .getMessage());
    assertEquals("sparse step 0: an activation with a bias",
        assertThrows(IllegalArgumentException.class, () -> new SparseNetwork(3, 1,
            List.of(new SparseNetwork.Step(null, new float[1])))).getMessage());
  }

  private static int argmax(float[] a, int off) {
    int best = 0;
    for (int c = 1; c < 10; c++) {
      if (a[off + c] > a[off + best]) {
        best = c;
      }
    }
    return best;
  }
}
