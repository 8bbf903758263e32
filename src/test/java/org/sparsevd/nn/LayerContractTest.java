package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every kind of layer keeps, checked on one list of small networks that together
 * hold every layer kind (a test fails when a layer class has no case):
 * <ul>
 *   <li>its analytic gradients (of sum CE + klWeight KL, parameters and, through the layers
 *       before it, inputs) equal central finite differences of {@link ReferenceNet}, a
 *       double-precision transcription of the formulas;
 *   <li>its {@link Mode#EVAL} output equals its {@link EvalForm}, the form pruning, sparse
 *       inference and export read, evaluated here in double;
 *   <li>its noise in training and in {@link Mode#SAMPLE} is keyed by example: a row's output
 *       does not depend on the other rows of the batch or their order, and a layer samples
 *       noise exactly when it says it is {@link Layer#stochastic};
 *   <li>its spec parses back to the same layer.
 * </ul>
 * Parameters are spread so that log alphas fall in five bands away from the kinks at -8, the
 * threshold 3 and 8: every branch (clipped below, free, pruned, clipped above) is exercised.
 */
class LayerContractTest {
  private static final double[] LOG_ALPHA_BANDS = {-10, -4, 0, 5, 10};
  private static final int ROWS = 5;
  private static final int[] LABELS = {0, 2, 1, 2, 0};
  private static final long[] IDS = {3, 17, 4, 1000, 99};

  /** A network around the layer kinds under test; its input rows are {@code inputSize} wide. */
  record Case(String spec, int inputSize, Parameterization param, boolean trainClip) {
    Network network() {
      return NetworkSpec.parse(spec, inputSize, settings());
    }

    VdSettings settings() {
      return VdSettings.DEFAULTS.withParameterization(param).withTrainClip(trainClip);
    }

    @Override public String toString() {
      return spec + ", " + param + ", trainClip=" + trainClip;
    }
  }

  static List<Case> cases() {
    Parameterization s2 = Parameterization.LOG_SIGMA2;
    Parameterization la = Parameterization.LOG_ALPHA;
    String lenet = "vd(5) | relu | vd(4) | relu | vd(3)";
    String image = "image(6, 6, 2) | ";
    return List.of(
        new Case(lenet, 7, s2, true),
        new Case(lenet, 7, s2, false),
        new Case(lenet, 7, la, true),
        new Case(lenet, 7, la, false),
        new Case("vd(3)", 7, s2, true),
        new Case("dense(5) | relu | vd(3)", 7, s2, true),
        new Case("dense(5) | gdrop(0.3) | relu | dense(3)", 7, s2, true),
        new Case("vd(6) | gdrop(0.5) | relu | vd(4) | relu | dense(3)", 7, la, false),
        new Case("dense(6) | nvd | vd(3)", 7, s2, true),
        new Case("dense(6) | relu | nvd | dense(3)", 7, s2, false),
        new Case("dense(6) | relu | nvd(kl=weights) | vd(3)", 7, s2, true),
        new Case("dense(6) | drop(0.4) | relu | dense(3)", 7, s2, true),
        new Case("dense(6) | cdense(3)", 7, s2, true),
        new Case("dense(6) | relu | idrop(0.3) | dense(3)", 7, s2, true),
        new Case("idense(5, 0.3) | relu | idense(4, 0.2) | relu | dense(3)", 7, s2, true),
        new Case("idense(5, 0.3, prior=lognormal) | softplus | idense(4, 0.2, prior=lognormal) "
            + "| softplus | dense(3)", 7, s2, true),
        new Case(image + "vdconv(3, 3) | relu | maxpool(2) | flatten | vd(3)", 72, s2, true),
        new Case(image + "vdconv(3, 3) | relu | maxpool(2) | flatten | vd(3)", 72, la, false),
        new Case(image + "vdconv(3, 3, clip=variance) | relu | maxpool(2) | vdconv(2, 2, 1, 1, "
            + "clip=variance, init=glorot) | flatten | vd(3)", 72, s2, true),
        new Case(image + "vdconv(3, 3, clip=variance) | relu | flatten | vd(3)", 72, la, true),
        new Case(image + "vdconv(3, 3, 2, 1, per=filter) | relu | flatten | dense(3)", 72, s2,
            true),
        new Case(image + "vdconv(4, 3, per=filter) | relu | flatten | vd(3)", 72, la, false),
        new Case(image + "vdconv(4, 3, per=filter, kl=weights) | relu | flatten | vd(3)", 72, s2,
            true),
        new Case(image + "iconv(3, 3, 0.2) | relu | maxpool(2) | iconv(2, 2, 2, 1, 0.3, "
            + "prior=lognormal) | softplus | flatten | dense(3)", 72, s2, true),
        new Case(image + "conv(4, 3) | relu | vdconv(3, 2) | maxpool(3) | flatten | vd(3)", 72,
            s2, true),
        new Case("dense(6) | bn | relu | vd(4) | bn | relu | dense(3)", 7, s2, true),
        new Case(image + "vdconv(3, 3, 1, 1) | bn | relu | maxpool(2) | flatten | vd(4) | bn "
            + "| relu | dense(3)", 72, la, false),
        new Case(image + "crop(1) | conv(3, 3, 1, 1) | flip | crop(2, p=0.5) | relu | flatten "
            + "| dense(3)", 72, s2, true),
        new Case(image + "vdconv(4, 3, 1, 1) | relu | maxpool(3) | vdconv(3, 2, per=filter) "
            + "| flatten | dense(3)", 72, s2, false),
        new Case("dense(6) | sbp | relu | vd(4) | sbp | relu | dense(3)", 7, s2, true),
        new Case(image + "conv(4, 3) | sbp | relu | maxpool(2) | flatten | dense(5) | sbp "
            + "| relu | dense(3)", 72, s2, true),
        new Case(image + "vdconv(4, 3) | sbp(kl=weights) | relu | flatten | vd(5) "
            + "| sbp(kl=weights) | relu | dense(3)", 72, s2, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchFiniteDifferencesOfTheDoubleReference(Case c) {
    Network net = c.network();
    SplittableRandom rnd = new SplittableRandom(11);
    float[] params = spreadParams(net, rnd);
    check(c.spec(), net, params, input(net, rnd, 5), null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evaluationEqualsTheLayersEvalForms(Case c) {
    Network net = c.network();
    SplittableRandom rnd = new SplittableRandom(12);
    float[] params = spreadParams(net, rnd);
    float[] x = input(net, rnd, 5);
    float[] eval = net.forward(params, x, ROWS, Mode.EVAL, null, net.newWorkspace(ROWS));
    double[] byForms = EvalForms.run(net.evalForms(params), x, ROWS);
    double scale = 0;
    for (double v : byForms) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0.01, "the check must see outputs, max = " + scale);
    for (int k = 0; k < byForms.length; k++) {
      assertEquals(byForms[k], eval[k], 1e-5 * scale + 1e-4 * Math.abs(byForms[k]),
          "logit " + k + " of " + c.spec());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void noiseIsKeyedByExampleAndOnlyStochasticLayersSample(Case c) {
    Network net = c.network();
    SplittableRandom rnd = new SplittableRandom(13);
    float[] params = spreadParams(net, rnd);
    float[] x = input(net, rnd, 5);
    int in = net.inputSize();
    int classes = net.numClasses();
    // The same examples in reverse order, and the middle three alone.
    float[] reversed = new float[x.length];
    long[] reversedIds = new long[ROWS];
    for (int r = 0; r < ROWS; r++) {
      System.arraycopy(x, (ROWS - 1 - r) * in, reversed, r * in, in);
      reversedIds[r] = IDS[ROWS - 1 - r];
    }
    float[] middle = Arrays.copyOfRange(x, in, 4 * in);
    long[] middleIds = Arrays.copyOfRange(IDS, 1, 4);
    Workspace ws = net.newWorkspace(ROWS);
    // Batch normalisation trains on the statistics of the rows: only its samples are per row.
    boolean batchStatistics = net.layers().stream().anyMatch(BatchNorm.class::isInstance);
    for (Mode mode : batchStatistics ? new Mode[] {Mode.SAMPLE}
        : new Mode[] {Mode.TRAIN, Mode.SAMPLE}) {
      float[] all = net.forward(params, x, ROWS, mode, new Noise(5, 9, IDS), ws).clone();
      float[] back = net.forward(params, reversed, ROWS, mode, new Noise(5, 9, reversedIds), ws)
          .clone();
      float[] part = net.forward(params, middle, 3, mode, new Noise(5, 9, middleIds), ws)
          .clone();
      for (int r = 0; r < ROWS; r++) {
        float[] row = Arrays.copyOfRange(all, r * classes, (r + 1) * classes);
        int b = ROWS - 1 - r;
        assertArrayEquals(row, Arrays.copyOfRange(back, b * classes, (b + 1) * classes),
            mode + ": example " + IDS[r] + " in another position");
        if (r >= 1 && r < 4) {
          assertArrayEquals(row, Arrays.copyOfRange(part, (r - 1) * classes, r * classes),
              mode + ": example " + IDS[r] + " in a smaller batch");
        }
      }
    }
    float[] eval = net.forward(params, x, ROWS, Mode.EVAL, null, ws).clone();
    float[] sample = net.forward(params, x, ROWS, Mode.SAMPLE, new Noise(5, 9, IDS), ws).clone();
    float[] other = net.forward(params, x, ROWS, Mode.SAMPLE, new Noise(5, 10, IDS), ws).clone();
    assertEquals(net.isStochastic(), !Arrays.equals(sample, other),
        "another step's key draws another sample exactly when the network is stochastic");
    if (!net.isStochastic()) {
      assertArrayEquals(eval, sample, "a deterministic network samples its evaluation");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void specParsesBackToTheSameNetwork(Case c) {
    Network net = c.network();
    Network again = NetworkSpec.parse(net.spec(), c.inputSize(), c.settings());
    assertEquals(net.spec(), again.spec());
    assertEquals(net.paramCount(), again.paramCount());
    for (int l = 0; l < net.layers().size(); l++) {
      assertEquals(net.layers().get(l).getClass(), again.layers().get(l).getClass());
      assertEquals(net.offset(l), again.offset(l));
    }
    float[] params = spreadParams(net, new SplittableRandom(14));
    float[] x = input(net, new SplittableRandom(15), 5);
    assertArrayEquals(net.forward(params, x, ROWS, Mode.SAMPLE, new Noise(1, 2, IDS),
            net.newWorkspace(ROWS)),
        again.forward(params, x, ROWS, Mode.SAMPLE, new Noise(1, 2, IDS),
            again.newWorkspace(ROWS)));
    assertArrayEquals(net.initParams(3), again.initParams(3));
  }

  /** Every concrete layer class of the package has a case (a convolution's core counts). */
  @Test
  void everyLayerKindHasACase() throws IOException, URISyntaxException {
    Set<Class<?>> covered = new HashSet<>();
    for (Case c : cases()) {
      for (Layer layer : c.network().layers()) {
        covered.add(layer.getClass());
        if (layer instanceof Conv2d conv) {
          covered.add(switch (conv.kind()) {
            case PLAIN -> Dense.class;
            case PER_WEIGHT -> VariationalDense.class;
            case PER_FILTER -> FilterVd.class;
            case INFORMATION -> InformationDense.class;
          });
        }
      }
    }
    Path dir = Path.of(Layer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve(Layer.class.getPackageName().replace('.', '/'));
    Set<String> missing;
    try (Stream<Path> files = Files.list(dir)) {
      missing = files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".class") && !f.contains("$"))
          .map(f -> load(Layer.class.getPackageName() + "." + f.replace(".class", "")))
          .filter(k -> Layer.class.isAssignableFrom(k) && !k.isInterface()
              && !Modifier.isAbstract(k.getModifiers()) && !covered.contains(k))
          .map(Class::getSimpleName).collect(Collectors.toSet());
    }
    assertTrue(covered.size() >= 13, "layer classes covered: " + covered);
    assertEquals(Set.of(), missing, "layer classes without a contract case");
  }

  /** Per-example weights of the cross-entropy, one of them 0 (the example is left out). */
  @Test
  void weightedExamples() {
    for (String spec : new String[] {"vd(5) | relu | vd(4) | relu | vd(3)",
        "dense(5) | relu | vd(3)"}) {
      Network net = NetworkSpec.parse(spec, 7, VdSettings.DEFAULTS);
      SplittableRandom rnd = new SplittableRandom(13);
      float[] params = spreadParams(net, rnd);
      check(spec, net, params, input(net, rnd, 0), new float[] {0.5f, 3f, 0f, 1f, 1.25f});
    }
  }

  /**
   * Inputs that are zero in every row: the forward pass skips their weight rows, which must
   * still get exact gradients, and (second case) a layer before must still get the input
   * gradient of such an input (a dense unit whose weights and bias are zero outputs 0).
   */
  @Test
  void inputsThatAreZeroInEveryRow() {
    for (String spec : new String[] {"vd(5) | relu | vd(3)", "dense(5) | vd(4) | relu | vd(3)"}) {
      Network net = NetworkSpec.parse(spec, 7, VdSettings.DEFAULTS);
      SplittableRandom rnd = new SplittableRandom(12);
      float[] params = spreadParams(net, rnd);
      float[] x = input(net, rnd, 0);
      for (int k = 0; k < x.length; k++) {
        x[k] = k % 7 == 2 || k % 7 == 6 ? 0f : x[k];
      }
      if (net.layers().get(0) instanceof Dense) {
        for (int i = 0; i < 7; i++) {
          params[i * 5 + 2] = 0f;
        }
        params[7 * 5 + 2] = 0f;
        // Keep the weights fed by that unit (log alpha -4), so its input gradient is not zero.
        int off = net.offset(1);
        for (int k = 2 * 4; k < 3 * 4; k++) {
          float theta = params[off + k];
          params[off + 20 + k] = (float) (-4 + Math.log(theta * theta + 1e-8));
        }
      }
      check(spec, net, params, x, null);
    }
  }

  /**
   * Concrete dropout's weight regulariser (l^2 = 1e-8) is far below the tolerance of a whole
   * loss: the regulariser and its gradient on their own, each entry to its own scale.
   */
  @Test
  void concreteRegulariserAndItsGradient() {
    int in = 5;
    int out = 2;
    ConcreteDense layer = new ConcreteDense(in, out, 0.01f);
    SplittableRandom rnd = new SplittableRandom(22);
    float[] p = new float[layer.paramCount()];
    for (int k = 0; k < p.length; k++) {
      p[k] = (float) rnd.nextGaussian();
    }
    double[] q = toDouble(p);
    double reg = ReferenceNet.concreteRegulariser(q, 0, in, out);
    assertEquals(reg, layer.kl(p, 0), 1e-6 * Math.abs(reg));
    float[] grad = new float[p.length];
    layer.addKlGradient(p, 0, 1f, grad);
    double rate = 1 / (1 + Math.exp(-q[in * out + out]));
    for (int k = 0; k < p.length; k++) {
      double expected = k < in * out ? 2e-8 * q[k] / (1 - rate) : k < in * out + out ? 0
          : centralDifference(q, k, v -> ReferenceNet.concreteRegulariser(v, 0, in, out));
      assertEquals(expected, grad[k], 1e-5 * Math.abs(expected) + 1e-30, "entry " + k);
    }
    float[] init = new float[layer.paramCount()];
    layer.init(init, 0, 1, 0);
    assertEquals(0.1, layer.dropRate(init, 0), 1e-6, "initial drop rate");
  }

  static void check(String spec, Network net, float[] params, float[] x, float[] weights) {
    double klWeight = 0.7;
    float[] grad = new float[net.paramCount()];
    BatchLoss loss = net.nllGradient(params, x, LABELS, weights, IDS, ROWS, 5L, 9L,
        (float) klWeight, grad, net.newWorkspace(8));
    net.addKlGradient(params, (float) klWeight, grad);

    ReferenceNet ref = new ReferenceNet(net);
    double[] p = toDouble(params);
    double refLoss = ref.loss(p, x, LABELS, weights, IDS, ROWS, 5L, 9L, klWeight);
    assertEquals(refLoss, loss.nll() + klWeight * (loss.exampleKl() + net.kl(params)),
        1e-4 * Math.abs(refLoss), "float engine loss vs double reference");
    double[] fd = new double[p.length];
    double scale = 0;
    for (int k = 0; k < p.length; k++) {
      fd[k] = centralDifference(p, k,
          v -> ref.loss(v, x, LABELS, weights, IDS, ROWS, 5L, 9L, klWeight));
      scale = Math.max(scale, Math.abs(fd[k]));
    }
    assertTrue(scale > 0.1, "the check must see gradients, max |fd| = " + scale);
    boolean[] statistics = runningStatistics(net);
    for (int k = 0; k < p.length; k++) {
      if (statistics[k]) {
        continue;
      }
      double tol = 1e-4 * scale + 2e-3 * Math.abs(fd[k]);
      assertEquals(fd[k], grad[k], tol, "parameter " + k + " of " + spec);
    }
  }

  /**
   * The entries of batch normalisations' running statistics, which the training loss does not
   * read; their gradient entries carry the batch's moments ({@code BatchNormTest}).
   */
  static boolean[] runningStatistics(Network net) {
    boolean[] stats = new boolean[net.paramCount()];
    for (int l = 0; l < net.layers().size(); l++) {
      if (net.layers().get(l) instanceof BatchNorm bn) {
        int from = net.offset(l) + bn.statisticsOffset();
        java.util.Arrays.fill(stats, from, net.offset(l) + bn.paramCount(), true);
      }
    }
    return stats;
  }

  /**
   * theta ~ N(0, 0.5) (a running variance: |N(0, 0.5)| + 0.5); each weight's (or filter's, or neuron's) log alpha in one of the bands,
   * +-0.8.
   */
  static float[] spreadParams(Network net, SplittableRandom rnd) {
    float[] params = net.initParams(1);
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      for (int k = 0; k < layer.paramCount(); k++) {
        params[off + k] = (float) (0.5 * rnd.nextGaussian());
      }
      if (layer instanceof BatchNorm) {
        for (int k = 3 * layer.paramCount() / 4; k < layer.paramCount(); k++) {
          params[off + k] = Math.abs(params[off + k]) + 0.5f;
        }
      }
      if (layer instanceof StructuredBayesianPruning sbp) {
        // mu in (-8, 0.05): inside the range and slightly above B; sigma from 0.14 to 7.4,
        // so that draws reach both ends of the truncation and some channels are pruned
        // (signal-to-noise ratio below 1) while others are not.
        for (int k = 0; k < sbp.channels(); k++) {
          params[off + k] = (float) rnd.nextDouble(-8, 0.05);
          params[off + sbp.channels() + k] = (float) rnd.nextDouble(-2, 2);
        }
      }
      int n = LayerWeights.count(layer);
      boolean perFilter = layer instanceof Conv2d conv && conv.kind() == Conv2d.Kind.PER_FILTER;
      boolean perNeuron = layer instanceof NeuronVd;
      boolean perWeight = !perFilter && layer instanceof Variational v
          && v.logAlphas(params, off) != null;
      if (!(perFilter || perNeuron || perWeight)) {
        continue;
      }
      int units = perFilter ? ((Conv2d) layer).filters() : perNeuron ? layer.paramCount() : n;
      boolean logSigma2 = perWeight && ((Variational) layer).settings().parameterization()
          == Parameterization.LOG_SIGMA2;
      for (int k = 0; k < units; k++) {
        float theta = params[off + k];
        double target = LOG_ALPHA_BANDS[rnd.nextInt(LOG_ALPHA_BANDS.length)]
            + rnd.nextDouble(-0.8, 0.8);
        params[off + n + k] = (float) (logSigma2 ? target + Math.log(theta * theta + 1e-8)
            : target);
      }
    }
    return params;
  }

  /** Standard normal inputs, every {@code zeroEvery}-th one 0 (the kernels skip zero inputs). */
  private static float[] input(Network net, SplittableRandom rnd, int zeroEvery) {
    float[] x = new float[ROWS * net.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = zeroEvery > 0 && k % zeroEvery == 0 ? 0f : (float) rnd.nextGaussian();
    }
    return x;
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      d[k] = a[k];
    }
    return d;
  }

  private static double centralDifference(double[] v, int k,
                                          java.util.function.ToDoubleFunction<double[]> f) {
    double h = 1e-5 * Math.max(1, Math.abs(v[k]));
    double saved = v[k];
    v[k] = saved + h;
    double up = f.applyAsDouble(v);
    v[k] = saved - h;
    double down = f.applyAsDouble(v);
    v[k] = saved;
    return (up - down) / (2 * h);
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** The evaluation forms computed directly in double: the oracle of the EVAL check. */
  static final class EvalForms {
    private EvalForms() {}

    static double[] run(List<EvalForm> forms, float[] x, int rows) {
      double[] a = toDouble(Arrays.copyOf(x, rows * forms.get(0).inputSize()));
      for (EvalForm f : forms) {
        double[] y = new double[rows * f.outputSize()];
        for (int r = 0; r < rows; r++) {
          apply(f, a, r * f.inputSize(), y, r * f.outputSize());
        }
        a = y;
      }
      return a;
    }

    private static void apply(EvalForm f, double[] a, int ia, double[] y, int iy) {
      if (f instanceof EvalForm.Linear w) {
        linear(w, a, ia, y, iy, null);
      } else if (f instanceof EvalForm.Conv c) {
        conv(c, a, ia, y, iy);
      } else if (f instanceof EvalForm.Pool p) {
        pool(p, a, ia, y, iy);
      } else if (f instanceof EvalForm.NeuronMask m) {
        for (int k = 0; k < m.kept().length; k++) {
          y[iy + k] = m.kept()[k] ? a[ia + k] : 0;
        }
      } else if (f instanceof EvalForm.Softplus) {
        for (int k = 0; k < f.outputSize(); k++) {
          y[iy + k] = Math.log1p(Math.exp(a[ia + k]));
        }
      } else {
        boolean relu = f instanceof EvalForm.Relu;
        assertTrue(relu || f instanceof EvalForm.Identity, "form " + f);
        for (int k = 0; k < f.outputSize(); k++) {
          y[iy + k] = relu ? Math.max(0, a[ia + k]) : a[ia + k];
        }
      }
    }

    /** y[iy + j] = b_j + sum_i a[index(i)] W[i][j]; index null is ia + i, -1 reads 0. */
    private static void linear(EvalForm.Linear w, double[] a, int ia, double[] y, int iy,
                               int[] index) {
      for (int j = 0; j < w.out(); j++) {
        double v = w.bias()[j];
        for (int i = 0; i < w.in(); i++) {
          int at = index == null ? ia + i : index[i];
          v += at < 0 ? 0 : a[at] * w.weights()[i * w.out() + j];
        }
        y[iy + j] = v;
      }
    }

    private static void conv(EvalForm.Conv c, double[] a, int ia, double[] y, int iy) {
      FeatureShape in = c.in();
      FeatureShape out = c.out();
      int k = c.kernel();
      int[] index = new int[k * k * in.channels()];
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          int e = 0;
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
              int py = oy * c.stride() - c.pad() + ky;
              int px = ox * c.stride() - c.pad() + kx;
              boolean inside = py >= 0 && py < in.height() && px >= 0 && px < in.width();
              for (int ch = 0; ch < in.channels(); ch++) {
                index[e++] = inside ? ia + (py * in.width() + px) * in.channels() + ch : -1;
              }
            }
          }
          linear(c.bank(), a, ia, y, iy + (oy * out.width() + ox) * out.channels(), index);
        }
      }
    }

    private static void pool(EvalForm.Pool p, double[] a, int ia, double[] y, int iy) {
      FeatureShape in = p.in();
      FeatureShape out = p.out();
      int s = p.size();
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          for (int ch = 0; ch < in.channels(); ch++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int ky = 0; ky < s; ky++) {
              for (int kx = 0; kx < s; kx++) {
                int at = ((oy * s + ky) * in.width() + ox * s + kx) * in.channels() + ch;
                max = Math.max(max, a[ia + at]);
              }
            }
            y[iy + (oy * out.width() + ox) * out.channels() + ch] = max;
          }
        }
      }
    }
  }
}
