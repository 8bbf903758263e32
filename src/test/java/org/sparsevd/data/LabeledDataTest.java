package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabeledDataTest {

  /** Rows i = 0..n-1 with features {i, i + 0.5} and label i % classes. */
  private static LabeledData block(int n, int classes) {
    float[] f = new float[2 * n];
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      f[2 * i] = i;
      f[2 * i + 1] = i + 0.5f;
      l[i] = i % classes;
    }
    return new LabeledData("blk", f, l, 2, classes);
  }

  private static String error(Runnable r) {
    return assertThrows(InvalidDataException.class, r::run).getMessage();
  }

  @Test
  void rowOffsetsAndAccessors() {
    LabeledData d = block(4, 3);
    assertEquals(6, d.row(3));
    assertEquals(3.5f, d.feature(3, 1));
    assertEquals(0, d.label(3));
    assertThrows(IndexOutOfBoundsException.class, () -> d.row(4));
    d.labels()[0] = 99;
    assertEquals(0, d.label(0), "labels() must return a copy");
  }

  @Test
  void constructorRejectsFeatureArrayOfWrongLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LabeledData("x", new float[5], new int[3], 2, 10));
    assertEquals("x: 3 labels x 2 features per row need 6 values, got 5", e.getMessage());
  }

  @Test
  void sliceCopiesRowsAndSaysWhichInItsSource() {
    LabeledData s = block(5, 3).slice(1, 4);
    assertEquals(3, s.rows());
    assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f, 3, 3.5f}, s.features());
    assertArrayEquals(new int[] {1, 2, 0}, s.labels());
    assertEquals("blk rows [1, 4)", s.source());
    assertThrows(IndexOutOfBoundsException.class, () -> block(5, 3).slice(3, 6));
  }

  @Test
  void validDataPasses() {
    LabeledData d = block(5, 3);
    assertSame(d, d.validate(2, 3));
  }

  @Test
  void labelOutOfRangeNamesSourceAndRow() {
    LabeledData d = block(20, 10);
    d = new LabeledData("train.csv", d.features(), withLabel(d.labels(), 17, 12), 2, 10);
    LabeledData bad = d;
    assertEquals("train.csv row 17: label 12 outside [0, 10)", error(() -> bad.validate(2, 10)));
    LabeledData negative = new LabeledData("n", new float[2], new int[] {-1}, 2, 10);
    assertEquals("n row 0: label -1 outside [0, 10)", error(() -> negative.validate(2, 10)));
  }

  @Test
  void nonFiniteFeaturesNameRowAndFeature() {
    float[] f = new float[4 * 6];
    f[3 * 6 + 5] = Float.NaN;
    LabeledData nan = new LabeledData("src", f, new int[4], 6, 10);
    assertEquals("src row 3, feature 5: NaN", error(() -> nan.validate(6, 10)));
    float[] g = new float[4 * 6];
    g[6 + 2] = Float.NEGATIVE_INFINITY;
    LabeledData inf = new LabeledData("src", g, new int[4], 6, 10);
    assertEquals("src row 1, feature 2: -Infinity", error(() -> inf.validate(6, 10)));
  }

  @Test
  void featureCountMismatchAndEmptyInput() {
    LabeledData d = new LabeledData("in", new float[780], new int[1], 780, 10);
    assertEquals("in: 780 features per row, the model expects 784",
        error(() -> d.validate(784, 10)));
    assertEquals("in: 780 features per row, the model expects 784",
        error(() -> d.validateSkipping(784, 10)));
    LabeledData empty = new LabeledData("none", new float[0], new int[0], 784, 10);
    assertEquals("none: no rows", error(() -> empty.validate(784, 10)));
    assertEquals("none: no rows", error(() -> empty.validateSkipping(784, 10)));
  }

  @Test
  void skipInvalidDropsBadRowsCountsThemAndKeepsTheFirstReasons() {
    LabeledData d = block(10, 3);
    float[] f = d.features();
    f[2 * 4] = Float.NaN;
    int[] l = withLabel(withLabel(d.labels(), 1, 7), 8, -2);
    LabeledData dirty = new LabeledData("blk", f, l, 2, 3);

    LabeledData.Filtered r = dirty.validateSkipping(2, 3);
    assertEquals(3, r.skipped());
    assertEquals(List.of("blk row 1: label 7 outside [0, 3)", "blk row 4, feature 0: NaN",
        "blk row 8: label -2 outside [0, 3)"), r.reasons());
    assertEquals(7, r.data().rows());
    assertArrayEquals(new int[] {0, 2, 0, 2, 0, 1, 0}, r.data().labels());
    assertArrayEquals(new float[] {0, 0.5f, 2, 2.5f, 3, 3.5f, 5, 5.5f},
        Arrays.copyOf(r.data().features(), 8));
    r.data().validate(2, 3);
  }

  @Test
  void skipInvalidKeepsOnlyTheFirstFewReasonsAndFailsWhenNothingIsLeft() {
    int n = LabeledData.MAX_REPORTED_REASONS + 3;
    LabeledData allBad = new LabeledData("bad", new float[n], new int[n], 1, 10);
    LabeledData.Filtered r = new LabeledData("bad", new float[n + 1],
        withLabel(fill(n + 1, 10), 0, 1), 1, 10).validateSkipping(1, 10);
    assertEquals(n, r.skipped());
    assertEquals(LabeledData.MAX_REPORTED_REASONS, r.reasons().size());
    assertEquals(1, r.data().rows());
    assertEquals("bad: all " + n + " rows are invalid, first: bad row 0: label 0 outside [0, 0)",
        error(() -> allBad.validateSkipping(1, 0)));
  }

  @Test
  void skipInvalidReturnsTheSameBlockWhenEverythingIsValid() {
    LabeledData d = block(4, 2);
    LabeledData.Filtered r = d.validateSkipping(2, 2);
    assertSame(d, r.data());
    assertEquals(0, r.skipped());
    assertEquals(List.of(), r.reasons());
  }

  private static int[] withLabel(int[] labels, int row, int label) {
    labels[row] = label;
    return labels;
  }

  private static int[] fill(int n, int value) {
    int[] a = new int[n];
    Arrays.fill(a, value);
    return a;
  }
}
