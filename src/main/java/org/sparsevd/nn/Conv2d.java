package org.sparsevd.nn;

import org.sparsevd.math.Im2Col;

/**
 * A 2-D convolution as patches times a filter bank: {@link Im2Col#patches} turns each example's
 * [h x w x c] image into oh * ow patch rows of k * k * c values, and a core layer maps every
 * patch row to the filters' outputs, which are the [oh x ow x filters] output image
 * (channels-last, see {@link FeatureShape}). The core owns the parameters, so the three kinds
 * share one implementation of the geometry:
 * <ul>
 *   <li>{@code conv}: a plain {@link Dense} filter bank;
 *   <li>{@code vdconv} per weight: {@link VariationalDense}, the local reparameterisation trick
 *       for convolutions (mean = conv(x, theta), variance = conv(x^2, alpha theta^2)); with
 *       {@code clip=variance}, train clip drops pruned weights from the variance too;
 *   <li>{@code vdconv} per filter: {@link FilterVd}, one log alpha per output filter;
 *   <li>{@code iconv}: {@link InformationDense}, information dropout with a noise scale
 *       convolved from the same patches; its KL depends on the example, so the convolution
 *       passes the core's on ({@link PerExampleKl}; 0 for the other kinds).
 * </ul>
 * Parameter layout: the core's, with theta[k * k * c x filters] and patch entries ordered
 * (ky, kx, ch). Weights start N(0, thetaInitStd^2) like the dense layers, or with
 * {@code init=glorot} Glorot-uniform over the patch and the filters ({@link WeightInit}), the
 * default of the authors' Lasagne convolutions.
 */
public final class Conv2d implements ShapedLayer, Variational, PerExampleKl {
  /** What learns the filter bank. */
  public enum Kind {
    PLAIN("conv"), PER_WEIGHT("vdconv"), PER_FILTER("vdconv"), INFORMATION("iconv");

    final String name;

    Kind(String name) {
      this.name = name;
    }
  }

  /** The spec option of {@code clipVariance}. */
  public static final String CLIP_VARIANCE_OPTION = "clip=variance";

  private final FeatureShape in;
  private final FeatureShape out;
  private final int kernel;
  private final int stride;
  private final int pad;
  private final Kind kind;
  private final boolean klPerWeight;
  private final boolean clipVariance;
  private final WeightInit init;
  private final Layer core;
  private final VdSettings settings;

  /**
   * @param klPerWeight for {@link Kind#PER_FILTER}: count each filter's KL once per weight of
   *     the filter ({@code kl=weights}), not once per filter
   * @param clipVariance for {@link Kind#PER_WEIGHT} ({@code clip=variance}): under train clip,
   *     pruned weights leave the variance too, as in the authors' convolution layer
   * @param glorot start the weights Glorot-uniform, not N(0, thetaInitStd^2)
   */
  public Conv2d(FeatureShape in, int filters, int kernel, int stride, int pad, Kind kind,
                boolean klPerWeight, boolean clipVariance, boolean glorot,
                VdSettings settings) {
    this(in, filters, kernel, stride, pad, kind, klPerWeight, clipVariance, glorot, settings, 0,
        InformationDense.Prior.LOG_UNIFORM);
    if (kind == Kind.INFORMATION) {
      throw new IllegalArgumentException("an iconv needs its beta and prior: use information()");
    }
  }

  /** {@code iconv}: information dropout with KL weight {@code beta} under {@code prior}. */
  public static Conv2d information(FeatureShape in, int filters, int kernel, int stride, int pad,
                                   double beta, InformationDense.Prior prior,
                                   VdSettings settings) {
    return new Conv2d(in, filters, kernel, stride, pad, Kind.INFORMATION, false, false, false,
        settings, beta, prior);
  }

  private Conv2d(FeatureShape in, int filters, int kernel, int stride, int pad, Kind kind,
                 boolean klPerWeight, boolean clipVariance, boolean glorot, VdSettings settings,
                 double beta, InformationDense.Prior prior) {
    if (klPerWeight && kind != Kind.PER_FILTER) {
      throw new IllegalArgumentException("kl=weights applies to per=filter convolutions only");
    }
    if (clipVariance && kind != Kind.PER_WEIGHT) {
      throw new IllegalArgumentException("clip=variance applies to per-weight vdconv only");
    }
    if (filters <= 0 || kernel <= 0 || stride <= 0 || pad < 0) {
      throw new IllegalArgumentException("convolution of " + filters + " filters " + kernel + "x"
          + kernel + ", stride " + stride + ", padding " + pad
          + ": filters, kernel and stride must be > 0, padding >= 0");
    }
    if (kernel > in.height() + 2 * pad || kernel > in.width() + 2 * pad) {
      throw new IllegalArgumentException("convolution kernel " + kernel + "x" + kernel
          + " is larger than its padded input " + in);
    }
    this.in = in;
    this.kernel = kernel;
    this.stride = stride;
    this.pad = pad;
    this.kind = kind;
    this.klPerWeight = klPerWeight;
    this.clipVariance = clipVariance;
    this.settings = settings;
    this.out = new FeatureShape(Im2Col.outputSize(in.height(), kernel, stride, pad),
        Im2Col.outputSize(in.width(), kernel, stride, pad), filters);
    int patch = kernel * kernel * in.channels();
    int positions = out.height() * out.width();
    this.init = WeightInit.of(glorot, patch, kernel * kernel * filters, settings);
    this.core = switch (kind) {
      case PLAIN -> new Dense(patch, filters, positions, init);
      case PER_WEIGHT -> new VariationalDense(patch, filters, positions, settings, init,
          clipVariance);
      case PER_FILTER -> new FilterVd(patch, filters, positions, klPerWeight ? patch : 1,
          settings, init);
      case INFORMATION -> new InformationDense(patch, filters, positions, beta,
          settings.thetaInitStd(), prior);
    };
  }

  public FeatureShape inputShape() { return in; }
  @Override public FeatureShape outputShape() { return out; }
  public int kernel() { return kernel; }
  public int stride() { return stride; }
  public int pad() { return pad; }
  public Kind kind() { return kind; }
  /** True when a per-filter KL counts once per weight of the filter. */
  public boolean klPerWeight() { return klPerWeight; }
  /** True when, under train clip, pruned weights leave the variance too. */
  public boolean clipsVariance() { return clipVariance; }
  public int filters() { return out.channels(); }
  /** The information dropout core of an {@code iconv}, else null. */
  public InformationDense information() {
    return core instanceof InformationDense i ? i : null;
  }

  /** Values per patch row: the rows of the filter bank theta. */
  public int patchSize() { return kernel * kernel * in.channels(); }

  @Override public int inputSize() { return in.size(); }
  @Override public int outputSize() { return out.size(); }
  @Override public int paramCount() { return core.paramCount(); }
  @Override public boolean stochastic() { return core.stochastic(); }

  @Override
  public String spec() {
    String geometry = stride == 1 && pad == 0 ? "" : ", " + stride + ", " + pad;
    InformationDense info = information();
    return kind.name + "(" + out.channels() + ", " + kernel + geometry
        + (kind == Kind.PER_FILTER ? ", per=filter" : "") + (klPerWeight ? ", kl=weights" : "")
        + (clipVariance ? ", " + CLIP_VARIANCE_OPTION : "") + init.specOption()
        + (info == null ? "" : ", " + info.beta()
            + (info.prior() == InformationDense.Prior.LOG_NORMAL ? ", prior=lognormal" : ""))
        + ")";
  }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    core.init(params, off, seed, layerIndex);
  }

  @Override
  public Scratch newScratch(int maxRows) {
    int patches = maxRows * out.height() * out.width() * patchSize();
    return new ConvScratch(new float[patches], new float[patches], core.newScratch(maxRows));
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    ConvScratch s = (ConvScratch) scratch;
    Im2Col.patches(x, rows, in.height(), in.width(), in.channels(), kernel, stride, pad,
        s.patches);
    core.forward(params, off, s.patches, y, rows, mode, noise, stream, s.core);
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    ConvScratch s = (ConvScratch) scratch;
    core.backward(params, off, s.patches, dy, dx == null ? null : s.dPatches, grad, rows, s.core);
    if (dx != null) {
      Im2Col.accumulate(s.dPatches, rows, in.height(), in.width(), in.channels(), kernel, stride,
          pad, dx);
    }
  }

  @Override
  public void setKlWeight(Scratch scratch, float weight) {
    if (core instanceof PerExampleKl k) {
      k.setKlWeight(((ConvScratch) scratch).core, weight);
    }
  }

  @Override
  public double exampleKl(Scratch scratch) {
    return core instanceof PerExampleKl k ? k.exampleKl(((ConvScratch) scratch).core) : 0;
  }

  @Override
  public double kl(float[] params, int off) {
    return core.kl(params, off);
  }

  @Override
  public void addKlGradient(float[] params, int off, float weight, float[] grad) {
    core.addKlGradient(params, off, weight, grad);
  }

  @Override
  public EvalForm.Conv evalForm(float[] params, int off) {
    return new EvalForm.Conv((EvalForm.Linear) core.evalForm(params, off), in, out, kernel, stride,
        pad);
  }

  @Override
  public void setWeights(float[] params, int off, float[] w) {
    core.setWeights(params, off, w);
  }

  @Override
  public float[] posteriorStd(float[] params, int off) {
    return core.posteriorStd(params, off);
  }

  @Override
  public VdSettings settings() {
    return settings;
  }

  @Override
  public float[] logAlphas(float[] params, int off) {
    if (core instanceof VariationalDense vd) {
      return vd.logAlphas(params, off);
    }
    if (core instanceof FilterVd fv) {
      float[] la = new float[filters()];
      for (int f = 0; f < la.length; f++) {
        la[f] = fv.logAlpha(params, off, f);
      }
      return la;
    }
    return null;
  }

  private record ConvScratch(float[] patches, float[] dPatches, Scratch core) implements Scratch {}
}
