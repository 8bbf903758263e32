package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class ScalingTest {

  /** Three rows of (varying, constant 7) features. */
  private static LabeledData train() {
    return new LabeledData("train", new float[] {0, 7, 128, 7, 256, 7}, new int[3], 2, 2);
  }

  @Test
  void noneAndDivide255NeedNoStatistics() {
    float[] x = {0, 51, 255, 510};
    Scaling.none().applyInPlace(x, 2);
    assertArrayEquals(new float[] {0, 51, 255, 510}, x);
    Scaling.divide255().applyInPlace(x, 2);
    assertArrayEquals(new float[] {0, 0.2f, 1, 2}, x);
    assertEquals(0, Scaling.divide255().mean().length);
    assertEquals(Scaling.Mode.DIVIDE_255, Scaling.fit(Scaling.Mode.DIVIDE_255, train()).mode());
  }

  @Test
  void centerDividesBy256AndSubtractsTheMeanTrainingImage() {
    Scaling s = Scaling.fit(Scaling.Mode.CENTER, train());
    // Column means of x / 256: (0 + 0.5 + 1) / 3 and 7 / 256.
    assertArrayEquals(new float[] {0.5f, 7 / 256f}, s.mean());
    float[] x = {64, 7};
    s.applyInPlace(x, 2);
    assertArrayEquals(new float[] {-0.25f, 0}, x);
  }

  @Test
  void standardizeUsesPopulationStdAndFloorsConstantFeaturesToOne() {
    Scaling s = Scaling.fit(Scaling.Mode.STANDARDIZE, train());
    assertArrayEquals(new float[] {128, 7}, s.mean());
    float std0 = (float) Math.sqrt(2 * 128.0 * 128.0 / 3);
    assertArrayEquals(new float[] {std0, 1}, s.std());
    LabeledData d = train();
    s.applyInPlace(d);
    assertArrayEquals(new float[] {-128 / std0, 0, 0, 0, 128 / std0, 0}, d.features(), 1e-6f);
  }

  @Test
  void accessorsReturnCopies() {
    Scaling s = Scaling.fit(Scaling.Mode.STANDARDIZE, train());
    s.mean()[0] = 99;
    s.std()[0] = 0;
    assertEquals(128, s.mean()[0]);
    assertTrue(s.std()[0] > 100);
  }

  @Test
  void fittedScalingRejectsDataOfAnotherWidth() {
    Scaling s = Scaling.fit(Scaling.Mode.CENTER, train());
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> s.applyInPlace(new float[3], 3));
    assertEquals("scaling was fitted on 2 features, the data has 3", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.applyInPlace(new float[3], 2));
    assertThrows(InvalidDataException.class, () -> Scaling.fit(Scaling.Mode.CENTER,
        new LabeledData("empty", new float[0], new int[0], 2, 2)));
  }

  @Test
  void serialisationRestoresEveryModeBitForBit() {
    float[] awkward = {0.1f, 1f / 3, Float.MIN_VALUE, 123456.79f, -2.5e-7f};
    LabeledData data = new LabeledData("d", new float[] {0.1f, 1f / 3, Float.MIN_VALUE, 123456.79f,
        -2.5e-7f, 3, 1, 4, 1, 5}, new int[2], 5, 2);
    for (Scaling.Mode mode : Scaling.Mode.values()) {
      Scaling s = Scaling.fit(mode, data);
      Scaling back = Scaling.parse(s.serialize());
      assertEquals(mode, back.mode());
      assertArrayEquals(s.mean(), back.mean(), mode.toString());
      assertArrayEquals(s.std(), back.std(), mode.toString());
      assertEquals(s.serialize(), back.serialize());
      float[] x1 = awkward.clone();
      float[] x2 = awkward.clone();
      s.applyInPlace(x1, 5);
      back.applyInPlace(x2, 5);
      assertArrayEquals(x1, x2);
    }
  }

  @Test
  void operationsRepeatApplyInPlaceBitForBit() {
    LabeledData data = new LabeledData("d", new float[] {0.1f, 1f / 3, 250, 17, 3, 0.7f},
        new int[2], 3, 2);
    float[] x = {255, 0.3f, 17, 1f / 7, 99, 128};
    for (Scaling.Mode mode : Scaling.Mode.values()) {
      Scaling s = Scaling.fit(mode, data);
      float[] expected = x.clone();
      s.applyInPlace(expected, 3);
      float[] y = x.clone();
      for (Scaling.Operation op : s.operations()) {
        float[] v = op.values();
        for (int k = 0; k < y.length; k++) {
          float c = v.length == 1 ? v[0] : v[k % 3];
          y[k] = op.op() == Scaling.Op.DIVIDE ? y[k] / c : y[k] - c;
        }
      }
      assertArrayEquals(expected, y, mode.toString());
    }
    assertEquals(0, Scaling.none().operations().size());
  }

  @Test
  void serialisedFormIsReadableText() {
    assertEquals("sparsevd-scaling 1\nmode DIVIDE_255\nmean\nstd\n",
        Scaling.divide255().serialize());
    assertEquals("sparsevd-scaling 1\nmode STANDARDIZE\nmean 128.0 7.0\nstd 104.511566 1.0\n",
        Scaling.fit(Scaling.Mode.STANDARDIZE, train()).serialize());
  }

  @Test
  void malformedTextNamesTheLine() {
    assertParseError("hello", "scaling: expected 4 lines starting with 'sparsevd-scaling 1'");
    assertParseError("sparsevd-scaling 1\nmode SQUASH\nmean\nstd",
        "scaling line 2: unknown mode 'SQUASH'");
    assertParseError("sparsevd-scaling 1\nmode CENTER\nmean 1 x\nstd",
        "scaling line 3, value 1: 'x' is not a number");
    assertParseError("sparsevd-scaling 1\nmode CENTER\nmeans 1\nstd",
        "scaling line 3: expected 'mean ...', got 'means 1'");
    assertParseError("sparsevd-scaling 1\nmode CENTER\nmean\nstd",
        "scaling: mode CENTER with 0 means and 0 stds");
    assertParseError("sparsevd-scaling 1\nmode STANDARDIZE\nmean 1 2\nstd 1",
        "scaling: mode STANDARDIZE with 2 means and 1 stds");
    assertParseError("sparsevd-scaling 1\nmode STANDARDIZE\nmean 1\nstd 0",
        "scaling line 4, value 0: std 0.0 must be positive");
    assertParseError("sparsevd-scaling 1\nmode CENTER\nmean NaN\nstd",
        "scaling line 3, value 0: NaN");
  }

  @Test
  void realMnistStatisticsMatchTheWellKnownConstants() throws IOException {
    LabeledData train = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration());
    Scaling center = Scaling.fit(Scaling.Mode.CENTER, train);
    double meanOf255 = 0;
    for (float m : center.mean()) {
      meanOf255 += m * 256.0 / 255 / 784;
    }
    assertEquals(0.1306604763, meanOf255, 1e-7);

    Scaling std = Scaling.fit(Scaling.Mode.STANDARDIZE, train);
    assertEquals(1f, std.std()[0], "the corner pixel is always 0");
    std.applyInPlace(train);
    double sum = 0;
    for (float v : train.features()) {
      sum += v;
    }
    assertEquals(0, sum / train.features().length, 1e-5);
  }

  private static void assertParseError(String text, String expectedStart) {
    String msg = assertThrows(InvalidDataException.class, () -> Scaling.parse(text)).getMessage();
    assertTrue(msg.startsWith(expectedStart), msg);
  }
}
