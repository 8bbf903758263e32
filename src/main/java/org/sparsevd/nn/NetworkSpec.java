package org.sparsevd.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a network from a layer list that fits in a config file or on a command line:
 * {@code vd(300) | relu | vd(100) | relu | vd(10)}. Layers: {@code vd(N)} variational dense,
 * {@code dense(N)} plain dense, {@code relu}, {@code softplus}, {@code gdrop(P)} Gaussian
 * dropout with the variance of Bernoulli dropout at rate P, {@code drop(P)} Bernoulli dropout
 * at rate P, {@code nvd} per-neuron variational dropout on its inputs ({@code nvd(kl=weights)}:
 * its KL counted per weight of the next layer that the neuron scales), {@code cdense(N)} dense
 * with Concrete dropout on its inputs, {@code idense(N, B)} dense with information dropout
 * (noise scale a function of the input, KL weight B; a relu must follow, or a softplus with
 * {@code idense(N, B, prior=lognormal)}), {@code idrop(B)} per-unit information dropout.
 *
 * <p>Convolutional networks start by declaring the image shape and end their feature maps with
 * {@code flatten}: {@code image(H, W, C)}, {@code conv(F, K[, S, P])} plain,
 * {@code vdconv(F, K[, S, P])} variational per weight, {@code vdconv(F, K[, S, P], per=filter)}
 * variational per filter (F filters of K x K, stride S = 1, zero padding P = 0; adding
 * {@code kl=weights} counts a filter's KL per weight of the filter; {@code clip=variance} on a
 * per-weight vdconv makes train clip drop pruned weights from the variance too, as the authors'
 * convolution layer does), {@code iconv(F, K[, S,
 * P], B[, prior=lognormal])} with information dropout (as {@code idense}, a relu or softplus
 * after it), and {@code maxpool(K)}.
 * Element-wise layers (relu, dropout) keep the feature map's shape. {@code bn} is batch
 * normalisation, right after a convolution or dense layer (it folds into it for inference);
 * {@code sbp} is structured Bayesian pruning of the channels or units of the layer it follows,
 * placed the same way ({@link StructuredBayesianPruning}; {@code sbp(kl=weights)} counts a
 * channel's KL per weight into it).
 * Weighted layers start N(0, theta_init_std^2); {@code init=glorot} in the arguments of conv,
 * vdconv, dense or vd starts them Glorot-uniform instead ({@link WeightInit}).
 * {@code crop(P[, p=Q])} and {@code flip} augment training images (random crop with P pixels of
 * zero padding, of a fraction Q of the examples when given; random horizontal flip).
 * {@code vgg_like(W[, classes=N][, dense])} stands for the VGG-like network of the method's
 * CIFAR-10 experiments at width W ({@link #vggLike}).
 */
public final class NetworkSpec {
  private static final Pattern LAYER = Pattern.compile("([a-z_]+)\\s*(?:\\(\\s*([^)]*)\\s*\\))?");

  private NetworkSpec() {}

  /** The paper's LeNet-300-100. */
  public static final String LENET_300_100 = "vd(300) | relu | vd(100) | relu | vd(10)";

  /**
   * The paper's LeNet-5-Caffe, variational per weight, on 28 x 28 grey images, with the
   * Glorot-uniform convolutions of the authors' code.
   */
  public static final String LENET_5_CAFFE = "image(28, 28, 1) | vdconv(20, 5, init=glorot) "
      + "| relu | maxpool(2) | vdconv(50, 5, init=glorot) | relu | maxpool(2) | flatten | vd(500) "
      + "| relu | vd(10)";

  /** The layers this parser knows, in the form they are written (for help and errors). */
  public static final String LAYERS = "vd(N[, init=glorot]), dense(N[, init=glorot]), relu, "
      + "gdrop(P), drop(P), softplus, nvd[(kl=weights)], cdense(N), idense(N, B) | relu, "
      + "idense(N, B, prior=lognormal) | softplus, idrop(B); for images image(H, W, C) "
      + "first, then conv(F, K[, S, P][, init=glorot]), "
      + "vdconv(F, K[, S, P][, per=filter[, kl=weights]][, clip=variance][, init=glorot]), "
      + "iconv(F, K[, S, P], B[, prior=lognormal]) | relu or softplus, "
      + "maxpool(K), flatten, bn, sbp[(kl=weights)], crop(P[, p=Q]), flip, "
      + "vgg_like(W[, classes=N][, dense])";

  /** Filters of VGG-like's convolutions at width 1, 0 for a 2 x 2 max pooling. */
  private static final int[] VGG_LIKE = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512,
      0, 512, 512, 512, 0};

  /**
   * The VGG-like network of Molchanov et al. (2017), section 5.3 (Zagoruyko's CIFAR-10 VGG with
   * batch normalisation): 3 x 3 convolutions with padding 1, each followed by bn and relu, of
   * 64-64-M-128-128-M-256-256-256-M-512-512-512-M-512-512-512-M filters, then a dense layer of
   * 512 with bn and relu and a dense layer to the classes; filter and unit counts times the
   * width W (at least 1). Variational per weight, or plain with {@code dense}. It follows
   * {@code image(H, W, C)} (and augmentation), for 32 x 32 images of CIFAR-10.
   */
  static String vggLike(double width, int classes, boolean dense) {
    StringBuilder b = new StringBuilder();
    String conv = dense ? "conv" : "vdconv";
    for (int filters : VGG_LIKE) {
      b.append(filters == 0 ? " | maxpool(2)" : " | " + conv + "(" + scaled(filters, width)
          + ", 3, 1, 1) | bn | relu");
    }
    String fc = dense ? "dense" : "vd";
    b.append(" | flatten | ").append(fc).append('(').append(scaled(512, width))
        .append(") | bn | relu | ").append(fc).append('(').append(classes).append(')');
    return b.substring(3);
  }

  private static int scaled(int n, double width) {
    return Math.max(1, (int) Math.round(n * width));
  }

  private static final Pattern VGG = Pattern.compile("\\s*vgg_like\\s*\\(([^)]*)\\)\\s*");

  /** The spec with each vgg_like(...) replaced by its layers. */
  private static String expand(String spec) {
    String[] parts = spec.split("\\|");
    for (int i = 0; i < parts.length; i++) {
      Matcher m = VGG.matcher(parts[i].toLowerCase(java.util.Locale.ROOT));
      if (!m.matches()) {
        continue;
      }
      String[] a = args(m.group(1));
      String usage = "network spec layer " + (i + 1) + " '" + parts[i].trim()
          + "': expected vgg_like(WIDTH[, classes=N][, dense])";
      double width = number(a[0], i, parts[i].trim());
      if (!(width > 0 && width <= 16)) {
        throw new IllegalArgumentException(usage + "; width " + a[0] + " must be in (0, 16]");
      }
      int classes = 10;
      boolean dense = false;
      for (int k = 1; k < a.length; k++) {
        if (a[k].equals("dense") && !dense) {
          dense = true;
        } else if (a[k].replace(" ", "").startsWith("classes=")) {
          classes = positive(a[k].replace(" ", "").substring(8), i, parts[i].trim());
        } else {
          throw new IllegalArgumentException(usage + "; got '" + a[k] + "'");
        }
      }
      parts[i] = vggLike(width, classes, dense);
    }
    return String.join(" | ", parts);
  }

  /**
   * Checks a layer list before the input size is known, as a parameter's validator must: its
   * syntax, and the shapes that its own {@code image(H, W, C)} implies.
   *
   * @throws IllegalArgumentException naming the layer that is wrong
   */
  public static void check(String spec) {
    Matcher m = IMAGE_HEAD.matcher(spec.toLowerCase(java.util.Locale.ROOT));
    int inputs = m.lookingAt() ? Integer.parseInt(m.group(1)) * Integer.parseInt(m.group(2))
        * Integer.parseInt(m.group(3)) : 1;
    parse(spec, inputs, VdSettings.DEFAULTS);
  }

  private static final Pattern IMAGE_HEAD = Pattern.compile(
      "\\s*image\\s*\\(\\s*(\\d{1,4})\\s*,\\s*(\\d{1,4})\\s*,\\s*(\\d{1,4})\\s*\\)");

  public static Network parse(String spec, int inputSize, VdSettings settings) {
    if (inputSize <= 0) {
      throw new IllegalArgumentException("input size " + inputSize + " must be > 0");
    }
    List<Layer> layers = new ArrayList<>();
    int width = inputSize;
    FeatureShape shape = null;
    String[] parts = expand(spec).split("\\|");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
      Matcher m = LAYER.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + parts[i].trim()
            + "': expected one of " + LAYERS);
      }
      String name = m.group(1);
      String arg = m.group(2);
      boolean mapLayer = CONV.contains(name) || MAP.contains(name);
      if (mapLayer && shape == null) {
        throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
            + "': needs a feature map; start the network with image(H, W, C)");
      }
      if (DENSE.contains(name) && shape != null) {
        throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
            + "': follows a " + shape + " feature map; put flatten before it");
      }
      if (name.equals("image") && i > 0) {
        throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
            + "': image(H, W, C) must be the first layer");
      }
      Layer layer = switch (name) {
        case "image" -> image(arg, i, part, inputSize);
        case "conv", "vdconv" -> conv(name, arg, i, part, shape, settings);
        case "iconv" -> informationConv(arg, i, part, parts, shape, settings);
        case "maxpool" -> new MaxPool2d(shape, positive(arg, i, part));
        case "crop" -> crop(arg, i, part, shape);
        case "flip" -> new RandomFlip(shape);
        case "bn" -> new BatchNorm(channelShape(i, part, parts, shape, width));
        case "sbp" -> new StructuredBayesianPruning(channelShape(i, part, parts, shape, width),
            structuredKl(arg, i, part, layers.get(layers.size() - 1)));
        case "flatten" -> new Flatten(width);
        case "vd", "dense" -> dense(name, arg, i, part, width, settings);
        case "relu" -> new Relu(width);
        case "softplus" -> new Softplus(width);
        case "gdrop" -> new GaussianDropout(width,
            GaussianDropout.alphaFromDropRate(number(arg, i, part)));
        case "drop" -> new BernoulliDropout(width, number(arg, i, part));
        case "nvd" -> new NeuronVd(width, settings, neuronKl(arg, i, part));
        case "cdense" -> new ConcreteDense(width, positive(arg, i, part), settings.thetaInitStd());
        case "idense" -> informationDense(arg, i, part, parts, width, settings);
        case "idrop" -> new UnitInformationDropout(width, number(arg, i, part));
        default -> throw new IllegalArgumentException("network spec layer " + (i + 1) + " '"
            + part + "': unknown layer '" + m.group(1) + "'");
      };
      layers.add(layer);
      if (layer instanceof ShapedLayer shaped) {
        shape = shaped.outputShape();
      } else if (layer.outputSize() != width || layer instanceof Flatten) {
        shape = null;
      }
      width = layer.outputSize();
    }
    return new Network(inputSize, withFanOuts(layers));
  }

  /**
   * sbp counts each channel's KL once, or with {@code kl=weights} once per weight into the
   * channel of the layer before it (a filter's patch, a unit's inputs).
   */
  private static int structuredKl(String arg, int i, String part, Layer before) {
    if (arg == null || arg.isBlank()) {
      return 1;
    }
    if (!arg.replace(" ", "").equals("kl=weights")) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': expected sbp or sbp(kl=weights)");
    }
    return before instanceof Conv2d conv ? conv.patchSize() : before.inputSize();
  }

  /** nvd(kl=weights) is parsed with fan-out 1 until the width of the next dense layer is known. */
  private static int neuronKl(String arg, int i, String part) {
    if (arg == null || arg.isBlank()) {
      return 0;
    }
    if (!arg.replace(" ", "").equals("kl=weights")) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': expected nvd or nvd(kl=weights)");
    }
    return 1;
  }

  /** Gives each nvd(kl=weights) the width of the dense layer after it: its row of weights. */
  private static List<Layer> withFanOuts(List<Layer> layers) {
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l) instanceof NeuronVd nvd && nvd.klPerWeight()) {
        int fanOut = 0;
        for (int n = l + 1; n < layers.size() && fanOut == 0; n++) {
          Layer next = layers.get(n);
          if (next instanceof Dense || next instanceof VariationalDense
              || next instanceof ConcreteDense || next instanceof InformationDense) {
            fanOut = next.outputSize();
          }
        }
        if (fanOut == 0) {
          throw new IllegalArgumentException("network spec layer " + (l + 1) + " '"
              + nvd.spec() + "': kl=weights counts the weights of a dense layer after it; "
              + "there is none");
        }
        layers.set(l, new NeuronVd(nvd.inputSize(), nvd.settings(), fanOut));
      }
    }
    return layers;
  }

  private static final java.util.Set<String> CONV = java.util.Set.of("conv", "vdconv", "iconv");
  private static final java.util.Set<String> MAP =
      java.util.Set.of("maxpool", "flatten", "crop", "flip");
  /** The layers whose evaluation form bn and sbp fold into. */
  private static final java.util.Set<String> LINEAR =
      java.util.Set.of("conv", "vdconv", "dense", "vd");

  /**
   * The channels of bn or sbp, which must come right after a layer they fold into: those of
   * the feature map, or the units of a flat layer.
   */
  private static FeatureShape channelShape(int i, String part, String[] parts, FeatureShape shape,
                                           int width) {
    Matcher before = i == 0 ? null
        : LAYER.matcher(parts[i - 1].trim().toLowerCase(java.util.Locale.ROOT));
    if (before == null || !before.matches() || !LINEAR.contains(before.group(1))) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': " + part.trim() + " must follow conv, vdconv, dense or vd, into which it folds "
          + "for inference");
    }
    return shape != null ? shape : new FeatureShape(1, 1, width);
  }
  private static final java.util.Set<String> DENSE =
      java.util.Set.of("vd", "dense", "cdense", "idense");

  /**
   * idense(N, B[, prior=lognormal]): the prior's KL is the one for an activation, which must
   * come next (relu for the default log-uniform prior, softplus for the log-normal one).
   */
  private static Layer informationDense(String arg, int i, String part, String[] parts,
                                        int width, VdSettings settings) {
    List<String> a = new ArrayList<>(List.of(args(arg)));
    InformationDense.Prior prior = informationPrior(a, i, part, parts);
    if (a.size() != 2) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': expected idense(UNITS, BETA) or idense(UNITS, BETA, prior=lognormal)");
    }
    return new InformationDense(width, positive(a.get(0), i, part), number(a.get(1), i, part),
        settings.thetaInitStd(), prior);
  }

  /** iconv(F, K[, S, P], B[, prior=lognormal]): as idense, over patches. */
  private static Layer informationConv(String arg, int i, String part, String[] parts,
                                       FeatureShape shape, VdSettings settings) {
    List<String> a = new ArrayList<>(List.of(args(arg)));
    InformationDense.Prior prior = informationPrior(a, i, part, parts);
    if (a.size() != 3 && a.size() != 5) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': expected iconv(FILTERS, KERNEL[, STRIDE, PADDING], BETA[, prior=lognormal])");
    }
    boolean geometry = a.size() == 5;
    return Conv2d.information(shape, positive(a.get(0), i, part), positive(a.get(1), i, part),
        geometry ? positive(a.get(2), i, part) : 1, geometry ? nonNegative(a.get(3), i, part) : 0,
        number(a.get(a.size() - 1), i, part), prior, settings);
  }

  /**
   * Removes a trailing prior=loguniform|lognormal from {@code a} and returns the prior; its KL
   * is the one for an activation, which must come next (relu for the default log-uniform
   * prior, softplus for the log-normal one).
   */
  private static InformationDense.Prior informationPrior(List<String> a, int i, String part,
                                                         String[] parts) {
    String last = a.get(a.size() - 1).replace(" ", "");
    InformationDense.Prior prior = InformationDense.Prior.LOG_UNIFORM;
    if (last.startsWith("prior=")) {
      a.remove(a.size() - 1);
      prior = switch (last) {
        case "prior=loguniform" -> InformationDense.Prior.LOG_UNIFORM;
        case "prior=lognormal" -> InformationDense.Prior.LOG_NORMAL;
        default -> throw new IllegalArgumentException("network spec layer " + (i + 1) + " '"
            + part + "': " + last + ", expected prior=loguniform or prior=lognormal");
      };
    }
    boolean logUniform = prior == InformationDense.Prior.LOG_UNIFORM;
    if (i + 1 >= parts.length || !parts[i + 1].trim().equalsIgnoreCase(prior.activation)) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': information dropout's " + (logUniform ? "log-uniform" : "log-normal")
          + " prior gives the KL for " + prior.activation + " activations; put "
          + prior.activation + " after it"
          + (logUniform ? " (or use prior=lognormal with softplus)" : ""));
    }
    return prior;
  }

  /** crop(P[, p=Q]) with Q in (0, 1]. */
  private static Layer crop(String arg, int i, String part, FeatureShape shape) {
    String[] a = args(arg);
    String expected = "network spec layer " + (i + 1) + " '" + part
        + "': expected crop(PADDING) or crop(PADDING, p=PROBABILITY), the probability in (0, 1]";
    if (a.length > 2 || a.length == 2 && !a[1].replace(" ", "").startsWith("p=")) {
      throw new IllegalArgumentException(expected);
    }
    double p = a.length == 2 ? number(a[1].replace(" ", "").substring(2), i, part) : 1;
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException(expected);
    }
    return new RandomCrop(shape, nonNegative(a[0], i, part), p);
  }

  private static Layer image(String arg, int i, String part, int inputSize) {
    String[] a = args(arg);
    if (a.length != 3) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': expected image(HEIGHT, WIDTH, CHANNELS)");
    }
    FeatureShape shape = new FeatureShape(positive(a[0], i, part), positive(a[1], i, part),
        positive(a[2], i, part));
    if (shape.size() != inputSize) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': an image of " + shape + " has " + shape.size() + " values, the input has "
          + inputSize);
    }
    return new ImageInput(shape);
  }

  /**
   * conv(F, K[, S, P][, init=glorot]) or
   * vdconv(F, K[, S, P][, per=weight|filter][, kl=weights][, init=glorot]).
   */
  private static Layer conv(String name, String arg, int i, String part, FeatureShape shape,
                            VdSettings settings) {
    List<String> numbers = new ArrayList<>();
    String per = "weight";
    boolean klPerWeight = false;
    boolean clipVariance = false;
    boolean glorot = false;
    String expected = "network spec layer " + (i + 1) + " '" + part + "': expected " + name
        + "(FILTERS, KERNEL[, STRIDE, PADDING]"
        + (name.equals("vdconv") ? "[, per=weight|filter][, kl=weights][, clip=variance]" : "")
        + "[, init=glorot])";
    for (String a : args(arg)) {
      if (a.startsWith("per=") && name.equals("vdconv")) {
        per = a.substring(4).trim();
      } else if (a.replace(" ", "").equals("kl=weights") && name.equals("vdconv")) {
        klPerWeight = true;
      } else if (a.replace(" ", "").equals(Conv2d.CLIP_VARIANCE_OPTION)
          && name.equals("vdconv")) {
        clipVariance = true;
      } else if (a.replace(" ", "").equals(WeightInit.GLOROT_OPTION)) {
        glorot = true;
      } else if (a.contains("=")) {
        throw new IllegalArgumentException(expected);
      } else {
        numbers.add(a);
      }
    }
    if (numbers.size() != 2 && numbers.size() != 4) {
      throw new IllegalArgumentException(expected);
    }
    Conv2d.Kind kind = switch (name + "/" + per) {
      case "conv/weight" -> Conv2d.Kind.PLAIN;
      case "vdconv/weight" -> Conv2d.Kind.PER_WEIGHT;
      case "vdconv/filter" -> Conv2d.Kind.PER_FILTER;
      default -> throw new IllegalArgumentException("network spec layer " + (i + 1) + " '"
          + part + "': per=" + per + ", expected per=weight or per=filter");
    };
    int stride = numbers.size() == 4 ? positive(numbers.get(2), i, part) : 1;
    int pad = numbers.size() == 4 ? nonNegative(numbers.get(3), i, part) : 0;
    if (klPerWeight && kind != Conv2d.Kind.PER_FILTER) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': kl=weights needs per=filter");
    }
    if (clipVariance && kind != Conv2d.Kind.PER_WEIGHT) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': clip=variance needs per=weight");
    }
    return new Conv2d(shape, positive(numbers.get(0), i, part), positive(numbers.get(1), i, part),
        stride, pad, kind, klPerWeight, clipVariance, glorot, settings);
  }

  /** vd(N[, init=glorot]) or dense(N[, init=glorot]). */
  private static Layer dense(String name, String arg, int i, String part, int width,
                             VdSettings settings) {
    String[] a = args(arg);
    boolean glorot = a.length == 2 && a[1].replace(" ", "").equals(WeightInit.GLOROT_OPTION);
    if (a.length != 1 && !glorot) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': expected " + name + "(UNITS) or " + name + "(UNITS, init=glorot)");
    }
    int units = positive(a[0], i, part);
    WeightInit init = WeightInit.of(glorot, width, units, settings);
    return name.equals("vd") ? new VariationalDense(width, units, 1, settings, init, false)
        : new Dense(width, units, 1, init);
  }

  private static String[] args(String arg) {
    String[] a = (arg == null ? "" : arg).split(",");
    for (int k = 0; k < a.length; k++) {
      a[k] = a[k].trim();
    }
    return a;
  }

  private static int nonNegative(String arg, int i, String part) {
    return arg.trim().equals("0") ? 0 : positive(arg, i, part);
  }

  private static int positive(String arg, int i, String part) {
    double v = number(arg, i, part);
    if (v != Math.rint(v) || v < 1 || v > 1 << 24) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': size must be a positive integer");
    }
    return (int) v;
  }

  private static double number(String arg, int i, String part) {
    if (arg != null && arg.contains(",")) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': takes one number here, got '" + arg + "'");
    }
    try {
      return Double.parseDouble(arg == null ? "" : arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': '" + arg + "' is not a number", e);
    }
  }
}
