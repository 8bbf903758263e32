package org.sparsevd.nn;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Convolution, pooling and flatten layers against finite differences of the direct
 * double-precision convolutions of {@link ReferenceConv}: every kind of filter bank, stride and
 * padding, and a convolution after another one so that the input gradient (the adjoint of the
 * patch copy) is checked too.
 */
class ConvGradientCheckTest {
  @ParameterizedTest(name = "{0}, {1}, trainClip={2}")
  @CsvSource(delimiter = ';', value = {
      "image(6, 6, 2) | vdconv(3, 3) | relu | maxpool(2) | flatten | vd(3); LOG_SIGMA2; true",
      "image(6, 6, 2) | vdconv(3, 3) | relu | maxpool(2) | flatten | vd(3); LOG_ALPHA; false",
      "image(6, 6, 2) | vdconv(3, 3, 2, 1, per=filter) | relu | flatten | dense(3); LOG_SIGMA2; true",
      "image(6, 6, 2) | vdconv(4, 3, per=filter) | relu | flatten | vd(3); LOG_ALPHA; false",
      "image(6, 6, 2) | conv(4, 3) | relu | vdconv(3, 2) | maxpool(3) | flatten | vd(3); LOG_SIGMA2; true",
      "image(6, 6, 2) | vdconv(4, 3, 1, 1) | relu | maxpool(3) | vdconv(3, 2, per=filter) | flatten | dense(3); LOG_SIGMA2; false"
  })
  void analyticGradientMatchesFiniteDifferences(String spec, Parameterization param,
                                                boolean trainClip) {
    VdSettings settings = VdSettings.DEFAULTS.withParameterization(param).withTrainClip(trainClip);
    Network net = NetworkSpec.parse(spec, 72, settings);
    SplittableRandom rnd = new SplittableRandom(21);
    float[] params = GradientCheckTest.spreadParams(net, rnd);
    float[] x = new float[5 * 72];
    for (int k = 0; k < x.length; k++) {
      x[k] = k % 7 == 0 ? 0f : (float) rnd.nextGaussian();
    }
    GradientCheckTest.check(spec, net, params, x, null);
  }
}
