package org.sparsevd.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked kernels of {@link VectorMatMul}: C[rows][vectors] (+)= A B over a set of
 * p, with B[p][j] = b[bj + p * ldb + j] and C[r][j] = c[ci + r * ldc + j]; A as each family
 * says. Every element of C gets its terms in the order of the p given, one fused
 * multiply-add each, so every kernel shape gives the same bits. Four families: six rows over
 * a range of p with A and B packed (products that skip no zeros); the same with A's contiguous
 * rows read in place (thin products, where packing A would cost as much as the products); four
 * rows over a list of p (the p where any of those rows is nonzero, or what is left of a group
 * after its sixes) with A packed along the list; and one row over a list, A in place.
 */
final class VectorKernels {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  private VectorKernels() {}

  private static FloatVector start(float[] c, int at, boolean acc) {
    return acc ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
  }

  /**
   * C[4 rows][4 vectors] (+)= sum over listed p of A[row][p] * B[p][4 vectors], A packed along
   * the list: A[t][list[i]] = a[ap + 4 * i + t], read in order whatever the p.
   */
  static void wide4(float[] a, int ap, int[] list, int from, int cnt,
      float[] b, int bj, int ldb, float[] c, int ci, int ldc, boolean acc) {
    int c1 = ci + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    FloatVector s00 = start(c, ci, acc), s01 = start(c, ci + L, acc);
    FloatVector s02 = start(c, ci + 2 * L, acc), s03 = start(c, ci + 3 * L, acc);
    FloatVector s10 = start(c, c1, acc), s11 = start(c, c1 + L, acc);
    FloatVector s12 = start(c, c1 + 2 * L, acc), s13 = start(c, c1 + 3 * L, acc);
    FloatVector s20 = start(c, c2, acc), s21 = start(c, c2 + L, acc);
    FloatVector s22 = start(c, c2 + 2 * L, acc), s23 = start(c, c2 + 3 * L, acc);
    FloatVector s30 = start(c, c3, acc), s31 = start(c, c3 + L, acc);
    FloatVector s32 = start(c, c3 + 2 * L, acc), s33 = start(c, c3 + 3 * L, acc);
    for (int t = from, end = from + cnt; t < end; t++) {
      int p = list[t];
      int at = ap + 4 * t;
      int bp = bj + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
      FloatVector x = FloatVector.broadcast(S, a[at]);
      s00 = b0.fma(x, s00); s01 = b1.fma(x, s01); s02 = b2.fma(x, s02); s03 = b3.fma(x, s03);
      x = FloatVector.broadcast(S, a[at + 1]);
      s10 = b0.fma(x, s10); s11 = b1.fma(x, s11); s12 = b2.fma(x, s12); s13 = b3.fma(x, s13);
      x = FloatVector.broadcast(S, a[at + 2]);
      s20 = b0.fma(x, s20); s21 = b1.fma(x, s21); s22 = b2.fma(x, s22); s23 = b3.fma(x, s23);
      x = FloatVector.broadcast(S, a[at + 3]);
      s30 = b0.fma(x, s30); s31 = b1.fma(x, s31); s32 = b2.fma(x, s32); s33 = b3.fma(x, s33);
    }
    s00.intoArray(c, ci); s01.intoArray(c, ci + L);
    s02.intoArray(c, ci + 2 * L); s03.intoArray(c, ci + 3 * L);
    s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
    s12.intoArray(c, c1 + 2 * L); s13.intoArray(c, c1 + 3 * L);
    s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
    s22.intoArray(c, c2 + 2 * L); s23.intoArray(c, c2 + 3 * L);
    s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
    s32.intoArray(c, c3 + 2 * L); s33.intoArray(c, c3 + 3 * L);
  }

  /** One row of C, four vectors of columns; the list holds only this row's nonzeros. */
  static void wide1(float[] a, int ar, int cs, int[] list, int from, int cnt,
      float[] b, int bj, int ldb, float[] c, int ci, boolean acc) {
    FloatVector s0 = start(c, ci, acc), s1 = start(c, ci + L, acc);
    FloatVector s2 = start(c, ci + 2 * L, acc), s3 = start(c, ci + 3 * L, acc);
    for (int t = from, end = from + cnt; t < end; t++) {
      int p = list[t];
      int bp = bj + p * ldb;
      FloatVector x = FloatVector.broadcast(S, a[ar + p * cs]);
      s0 = FloatVector.fromArray(S, b, bp).fma(x, s0);
      s1 = FloatVector.fromArray(S, b, bp + L).fma(x, s1);
      s2 = FloatVector.fromArray(S, b, bp + 2 * L).fma(x, s2);
      s3 = FloatVector.fromArray(S, b, bp + 3 * L).fma(x, s3);
    }
    s0.intoArray(c, ci);
    s1.intoArray(c, ci + L);
    s2.intoArray(c, ci + 2 * L);
    s3.intoArray(c, ci + 3 * L);
  }

  /** C[4 rows][2 vectors], A packed along the list as in {@link #wide4}. */
  static void mid4(float[] a, int ap, int[] list, int from, int cnt,
      float[] b, int bj, int ldb, float[] c, int ci, int ldc, boolean acc) {
    int c1 = ci + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    FloatVector s00 = start(c, ci, acc), s01 = start(c, ci + L, acc);
    FloatVector s10 = start(c, c1, acc), s11 = start(c, c1 + L, acc);
    FloatVector s20 = start(c, c2, acc), s21 = start(c, c2 + L, acc);
    FloatVector s30 = start(c, c3, acc), s31 = start(c, c3 + L, acc);
    for (int t = from, end = from + cnt; t < end; t++) {
      int p = list[t];
      int at = ap + 4 * t;
      int bp = bj + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[at]);
      s00 = b0.fma(x, s00); s01 = b1.fma(x, s01);
      x = FloatVector.broadcast(S, a[at + 1]);
      s10 = b0.fma(x, s10); s11 = b1.fma(x, s11);
      x = FloatVector.broadcast(S, a[at + 2]);
      s20 = b0.fma(x, s20); s21 = b1.fma(x, s21);
      x = FloatVector.broadcast(S, a[at + 3]);
      s30 = b0.fma(x, s30); s31 = b1.fma(x, s31);
    }
    s00.intoArray(c, ci); s01.intoArray(c, ci + L);
    s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
  }

  /** One row of C, two vectors of columns. */
  static void mid1(float[] a, int ar, int cs, int[] list, int from, int cnt,
      float[] b, int bj, int ldb, float[] c, int ci, boolean acc) {
    FloatVector s0 = start(c, ci, acc), s1 = start(c, ci + L, acc);
    for (int t = from, end = from + cnt; t < end; t++) {
      int p = list[t];
      int bp = bj + p * ldb;
      FloatVector x = FloatVector.broadcast(S, a[ar + p * cs]);
      s0 = FloatVector.fromArray(S, b, bp).fma(x, s0);
      s1 = FloatVector.fromArray(S, b, bp + L).fma(x, s1);
    }
    s0.intoArray(c, ci);
    s1.intoArray(c, ci + L);
  }

  /** C[4 rows][1 vector], A packed along the list as in {@link #wide4}. */
  static void narrow4(float[] a, int ap, int[] list, int from, int cnt,
      float[] b, int bj, int ldb, float[] c, int ci, int ldc, boolean acc) {
    FloatVector s0 = start(c, ci, acc);
    FloatVector s1 = start(c, ci + ldc, acc);
    FloatVector s2 = start(c, ci + 2 * ldc, acc);
    FloatVector s3 = start(c, ci + 3 * ldc, acc);
    for (int t = from, end = from + cnt; t < end; t++) {
      int p = list[t];
      int at = ap + 4 * t;
      FloatVector bv = FloatVector.fromArray(S, b, bj + p * ldb);
      s0 = bv.fma(FloatVector.broadcast(S, a[at]), s0);
      s1 = bv.fma(FloatVector.broadcast(S, a[at + 1]), s1);
      s2 = bv.fma(FloatVector.broadcast(S, a[at + 2]), s2);
      s3 = bv.fma(FloatVector.broadcast(S, a[at + 3]), s3);
    }
    s0.intoArray(c, ci);
    s1.intoArray(c, ci + ldc);
    s2.intoArray(c, ci + 2 * ldc);
    s3.intoArray(c, ci + 3 * ldc);
  }

  /** One row of C, one vector of columns. */
  static void narrow1(float[] a, int ar, int cs, int[] list, int from, int cnt,
      float[] b, int bj, int ldb, float[] c, int ci, boolean acc) {
    FloatVector s = start(c, ci, acc);
    for (int t = from, end = from + cnt; t < end; t++) {
      int p = list[t];
      FloatVector x = FloatVector.broadcast(S, a[ar + p * cs]);
      s = FloatVector.fromArray(S, b, bj + p * ldb).fma(x, s);
    }
    s.intoArray(c, ci);
  }

  /**
   * C[6 rows][4 vectors] (+)= sum over p in [from, end) of A[row][p] * B[p][4 vectors], both
   * packed: A[t][p] = a[ap + 6 * p + t] and B[p][j] = b[bj + p * 4L + j]. The kernel of products
   * that skip nothing: six broadcasts a step for four loads of B, from two arrays read in order
   * at constant strides, so the compiler drops the index checks and keeps one address for each.
   */
  static void wide6(float[] a, int ap, int from, int end, float[] b, int bj, float[] c, int ci,
      int ldc, boolean acc) {
    int c1 = ci + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    int c4 = c3 + ldc;
    int c5 = c4 + ldc;
    FloatVector s00 = start(c, ci, acc), s01 = start(c, ci + L, acc);
    FloatVector s02 = start(c, ci + 2 * L, acc), s03 = start(c, ci + 3 * L, acc);
    FloatVector s10 = start(c, c1, acc), s11 = start(c, c1 + L, acc);
    FloatVector s12 = start(c, c1 + 2 * L, acc), s13 = start(c, c1 + 3 * L, acc);
    FloatVector s20 = start(c, c2, acc), s21 = start(c, c2 + L, acc);
    FloatVector s22 = start(c, c2 + 2 * L, acc), s23 = start(c, c2 + 3 * L, acc);
    FloatVector s30 = start(c, c3, acc), s31 = start(c, c3 + L, acc);
    FloatVector s32 = start(c, c3 + 2 * L, acc), s33 = start(c, c3 + 3 * L, acc);
    FloatVector s40 = start(c, c4, acc), s41 = start(c, c4 + L, acc);
    FloatVector s42 = start(c, c4 + 2 * L, acc), s43 = start(c, c4 + 3 * L, acc);
    FloatVector s50 = start(c, c5, acc), s51 = start(c, c5 + L, acc);
    FloatVector s52 = start(c, c5 + 2 * L, acc), s53 = start(c, c5 + 3 * L, acc);
    for (int p = from; p < end; p++) {
      int at = ap + 6 * p;
      int bp = bj + p * (4 * L);
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
      FloatVector x = FloatVector.broadcast(S, a[at]);
      s00 = b0.fma(x, s00); s01 = b1.fma(x, s01); s02 = b2.fma(x, s02); s03 = b3.fma(x, s03);
      x = FloatVector.broadcast(S, a[at + 1]);
      s10 = b0.fma(x, s10); s11 = b1.fma(x, s11); s12 = b2.fma(x, s12); s13 = b3.fma(x, s13);
      x = FloatVector.broadcast(S, a[at + 2]);
      s20 = b0.fma(x, s20); s21 = b1.fma(x, s21); s22 = b2.fma(x, s22); s23 = b3.fma(x, s23);
      x = FloatVector.broadcast(S, a[at + 3]);
      s30 = b0.fma(x, s30); s31 = b1.fma(x, s31); s32 = b2.fma(x, s32); s33 = b3.fma(x, s33);
      x = FloatVector.broadcast(S, a[at + 4]);
      s40 = b0.fma(x, s40); s41 = b1.fma(x, s41); s42 = b2.fma(x, s42); s43 = b3.fma(x, s43);
      x = FloatVector.broadcast(S, a[at + 5]);
      s50 = b0.fma(x, s50); s51 = b1.fma(x, s51); s52 = b2.fma(x, s52); s53 = b3.fma(x, s53);
    }
    s00.intoArray(c, ci); s01.intoArray(c, ci + L);
    s02.intoArray(c, ci + 2 * L); s03.intoArray(c, ci + 3 * L);
    s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
    s12.intoArray(c, c1 + 2 * L); s13.intoArray(c, c1 + 3 * L);
    s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
    s22.intoArray(c, c2 + 2 * L); s23.intoArray(c, c2 + 3 * L);
    s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
    s32.intoArray(c, c3 + 2 * L); s33.intoArray(c, c3 + 3 * L);
    s40.intoArray(c, c4); s41.intoArray(c, c4 + L);
    s42.intoArray(c, c4 + 2 * L); s43.intoArray(c, c4 + 3 * L);
    s50.intoArray(c, c5); s51.intoArray(c, c5 + L);
    s52.intoArray(c, c5 + 2 * L); s53.intoArray(c, c5 + 3 * L);
  }

  /** C[6 rows][2 vectors], packed as in {@link #wide6}: B[p][j] = b[bj + p * 2L + j]. */
  static void mid6(float[] a, int ap, int from, int end, float[] b, int bj, float[] c, int ci,
      int ldc, boolean acc) {
    int c1 = ci + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    int c4 = c3 + ldc;
    int c5 = c4 + ldc;
    FloatVector s00 = start(c, ci, acc), s01 = start(c, ci + L, acc);
    FloatVector s10 = start(c, c1, acc), s11 = start(c, c1 + L, acc);
    FloatVector s20 = start(c, c2, acc), s21 = start(c, c2 + L, acc);
    FloatVector s30 = start(c, c3, acc), s31 = start(c, c3 + L, acc);
    FloatVector s40 = start(c, c4, acc), s41 = start(c, c4 + L, acc);
    FloatVector s50 = start(c, c5, acc), s51 = start(c, c5 + L, acc);
    for (int p = from; p < end; p++) {
      int at = ap + 6 * p;
      int bp = bj + p * (2 * L);
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[at]);
      s00 = b0.fma(x, s00); s01 = b1.fma(x, s01);
      x = FloatVector.broadcast(S, a[at + 1]);
      s10 = b0.fma(x, s10); s11 = b1.fma(x, s11);
      x = FloatVector.broadcast(S, a[at + 2]);
      s20 = b0.fma(x, s20); s21 = b1.fma(x, s21);
      x = FloatVector.broadcast(S, a[at + 3]);
      s30 = b0.fma(x, s30); s31 = b1.fma(x, s31);
      x = FloatVector.broadcast(S, a[at + 4]);
      s40 = b0.fma(x, s40); s41 = b1.fma(x, s41);
      x = FloatVector.broadcast(S, a[at + 5]);
      s50 = b0.fma(x, s50); s51 = b1.fma(x, s51);
    }
    s00.intoArray(c, ci); s01.intoArray(c, ci + L);
    s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
    s40.intoArray(c, c4); s41.intoArray(c, c4 + L);
    s50.intoArray(c, c5); s51.intoArray(c, c5 + L);
  }

  /** C[6 rows][1 vector], packed as in {@link #wide6}: B[p][j] = b[bj + p * L + j]. */
  static void narrow6(float[] a, int ap, int from, int end, float[] b, int bj, float[] c, int ci,
      int ldc, boolean acc) {
    FloatVector s0 = start(c, ci, acc);
    FloatVector s1 = start(c, ci + ldc, acc);
    FloatVector s2 = start(c, ci + 2 * ldc, acc);
    FloatVector s3 = start(c, ci + 3 * ldc, acc);
    FloatVector s4 = start(c, ci + 4 * ldc, acc);
    FloatVector s5 = start(c, ci + 5 * ldc, acc);
    for (int p = from; p < end; p++) {
      int at = ap + 6 * p;
      FloatVector bv = FloatVector.fromArray(S, b, bj + p * L);
      s0 = bv.fma(FloatVector.broadcast(S, a[at]), s0);
      s1 = bv.fma(FloatVector.broadcast(S, a[at + 1]), s1);
      s2 = bv.fma(FloatVector.broadcast(S, a[at + 2]), s2);
      s3 = bv.fma(FloatVector.broadcast(S, a[at + 3]), s3);
      s4 = bv.fma(FloatVector.broadcast(S, a[at + 4]), s4);
      s5 = bv.fma(FloatVector.broadcast(S, a[at + 5]), s5);
    }
    s0.intoArray(c, ci);
    s1.intoArray(c, ci + ldc);
    s2.intoArray(c, ci + 2 * ldc);
    s3.intoArray(c, ci + 3 * ldc);
    s4.intoArray(c, ci + 4 * ldc);
    s5.intoArray(c, ci + 5 * ldc);
  }

  /**
   * C[6 rows][4 vectors] (+)= sum over p in [0, k) of A[row][p] * B[p][4 vectors], A in place
   * with contiguous rows: A[t][p] = a[ar + t * rs + p]; B packed as in {@link #wide6}. For
   * products whose C has so few blocks of columns that packing A would cost as much as they do.
   */
  static void wide6Rows(float[] a, int ar, int rs, int k, float[] b, int bj, float[] c, int ci,
      int ldc, boolean acc) {
    int r1 = ar + rs;
    int r2 = r1 + rs;
    int r3 = r2 + rs;
    int r4 = r3 + rs;
    int r5 = r4 + rs;
    int c1 = ci + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    int c4 = c3 + ldc;
    int c5 = c4 + ldc;
    FloatVector s00 = start(c, ci, acc), s01 = start(c, ci + L, acc);
    FloatVector s02 = start(c, ci + 2 * L, acc), s03 = start(c, ci + 3 * L, acc);
    FloatVector s10 = start(c, c1, acc), s11 = start(c, c1 + L, acc);
    FloatVector s12 = start(c, c1 + 2 * L, acc), s13 = start(c, c1 + 3 * L, acc);
    FloatVector s20 = start(c, c2, acc), s21 = start(c, c2 + L, acc);
    FloatVector s22 = start(c, c2 + 2 * L, acc), s23 = start(c, c2 + 3 * L, acc);
    FloatVector s30 = start(c, c3, acc), s31 = start(c, c3 + L, acc);
    FloatVector s32 = start(c, c3 + 2 * L, acc), s33 = start(c, c3 + 3 * L, acc);
    FloatVector s40 = start(c, c4, acc), s41 = start(c, c4 + L, acc);
    FloatVector s42 = start(c, c4 + 2 * L, acc), s43 = start(c, c4 + 3 * L, acc);
    FloatVector s50 = start(c, c5, acc), s51 = start(c, c5 + L, acc);
    FloatVector s52 = start(c, c5 + 2 * L, acc), s53 = start(c, c5 + 3 * L, acc);
    for (int p = 0; p < k; p++) {
      int bp = bj + p * (4 * L);
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
      FloatVector x = FloatVector.broadcast(S, a[ar + p]);
      s00 = b0.fma(x, s00); s01 = b1.fma(x, s01); s02 = b2.fma(x, s02); s03 = b3.fma(x, s03);
      x = FloatVector.broadcast(S, a[r1 + p]);
      s10 = b0.fma(x, s10); s11 = b1.fma(x, s11); s12 = b2.fma(x, s12); s13 = b3.fma(x, s13);
      x = FloatVector.broadcast(S, a[r2 + p]);
      s20 = b0.fma(x, s20); s21 = b1.fma(x, s21); s22 = b2.fma(x, s22); s23 = b3.fma(x, s23);
      x = FloatVector.broadcast(S, a[r3 + p]);
      s30 = b0.fma(x, s30); s31 = b1.fma(x, s31); s32 = b2.fma(x, s32); s33 = b3.fma(x, s33);
      x = FloatVector.broadcast(S, a[r4 + p]);
      s40 = b0.fma(x, s40); s41 = b1.fma(x, s41); s42 = b2.fma(x, s42); s43 = b3.fma(x, s43);
      x = FloatVector.broadcast(S, a[r5 + p]);
      s50 = b0.fma(x, s50); s51 = b1.fma(x, s51); s52 = b2.fma(x, s52); s53 = b3.fma(x, s53);
    }
    s00.intoArray(c, ci); s01.intoArray(c, ci + L);
    s02.intoArray(c, ci + 2 * L); s03.intoArray(c, ci + 3 * L);
    s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
    s12.intoArray(c, c1 + 2 * L); s13.intoArray(c, c1 + 3 * L);
    s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
    s22.intoArray(c, c2 + 2 * L); s23.intoArray(c, c2 + 3 * L);
    s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
    s32.intoArray(c, c3 + 2 * L); s33.intoArray(c, c3 + 3 * L);
    s40.intoArray(c, c4); s41.intoArray(c, c4 + L);
    s42.intoArray(c, c4 + 2 * L); s43.intoArray(c, c4 + 3 * L);
    s50.intoArray(c, c5); s51.intoArray(c, c5 + L);
    s52.intoArray(c, c5 + 2 * L); s53.intoArray(c, c5 + 3 * L);
  }

  /** C[6 rows][2 vectors], A in place as in {@link #wide6Rows}, B as in {@link #mid6}. */
  static void mid6Rows(float[] a, int ar, int rs, int k, float[] b, int bj, float[] c, int ci,
      int ldc, boolean acc) {
    int r1 = ar + rs;
    int r2 = r1 + rs;
    int r3 = r2 + rs;
    int r4 = r3 + rs;
    int r5 = r4 + rs;
    int c1 = ci + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    int c4 = c3 + ldc;
    int c5 = c4 + ldc;
    FloatVector s00 = start(c, ci, acc), s01 = start(c, ci + L, acc);
    FloatVector s10 = start(c, c1, acc), s11 = start(c, c1 + L, acc);
    FloatVector s20 = start(c, c2, acc), s21 = start(c, c2 + L, acc);
    FloatVector s30 = start(c, c3, acc), s31 = start(c, c3 + L, acc);
    FloatVector s40 = start(c, c4, acc), s41 = start(c, c4 + L, acc);
    FloatVector s50 = start(c, c5, acc), s51 = start(c, c5 + L, acc);
    for (int p = 0; p < k; p++) {
      int bp = bj + p * (2 * L);
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[ar + p]);
      s00 = b0.fma(x, s00); s01 = b1.fma(x, s01);
      x = FloatVector.broadcast(S, a[r1 + p]);
      s10 = b0.fma(x, s10); s11 = b1.fma(x, s11);
      x = FloatVector.broadcast(S, a[r2 + p]);
      s20 = b0.fma(x, s20); s21 = b1.fma(x, s21);
      x = FloatVector.broadcast(S, a[r3 + p]);
      s30 = b0.fma(x, s30); s31 = b1.fma(x, s31);
      x = FloatVector.broadcast(S, a[r4 + p]);
      s40 = b0.fma(x, s40); s41 = b1.fma(x, s41);
      x = FloatVector.broadcast(S, a[r5 + p]);
      s50 = b0.fma(x, s50); s51 = b1.fma(x, s51);
    }
    s00.intoArray(c, ci); s01.intoArray(c, ci + L);
    s10.intoArray(c, c1); s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2); s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3); s31.intoArray(c, c3 + L);
    s40.intoArray(c, c4); s41.intoArray(c, c4 + L);
    s50.intoArray(c, c5); s51.intoArray(c, c5 + L);
  }

  /** C[6 rows][1 vector], A in place as in {@link #wide6Rows}, B as in {@link #narrow6}. */
  static void narrow6Rows(float[] a, int ar, int rs, int k, float[] b, int bj, float[] c,
      int ci, int ldc, boolean acc) {
    int r1 = ar + rs;
    int r2 = r1 + rs;
    int r3 = r2 + rs;
    int r4 = r3 + rs;
    int r5 = r4 + rs;
    FloatVector s0 = start(c, ci, acc);
    FloatVector s1 = start(c, ci + ldc, acc);
    FloatVector s2 = start(c, ci + 2 * ldc, acc);
    FloatVector s3 = start(c, ci + 3 * ldc, acc);
    FloatVector s4 = start(c, ci + 4 * ldc, acc);
    FloatVector s5 = start(c, ci + 5 * ldc, acc);
    for (int p = 0; p < k; p++) {
      FloatVector bv = FloatVector.fromArray(S, b, bj + p * L);
      s0 = bv.fma(FloatVector.broadcast(S, a[ar + p]), s0);
      s1 = bv.fma(FloatVector.broadcast(S, a[r1 + p]), s1);
      s2 = bv.fma(FloatVector.broadcast(S, a[r2 + p]), s2);
      s3 = bv.fma(FloatVector.broadcast(S, a[r3 + p]), s3);
      s4 = bv.fma(FloatVector.broadcast(S, a[r4 + p]), s4);
      s5 = bv.fma(FloatVector.broadcast(S, a[r5 + p]), s5);
    }
    s0.intoArray(c, ci);
    s1.intoArray(c, ci + ldc);
    s2.intoArray(c, ci + 2 * ldc);
    s3.intoArray(c, ci + 3 * ldc);
    s4.intoArray(c, ci + 4 * ldc);
    s5.intoArray(c, ci + 5 * ldc);
  }

  /** C[rows][cols] *= f X elementwise, X at x[xi + r * ldx + j]; cols a multiple of L. */
  static void scale(float[] c, int ci, int ldc, int rows, int cols, float[] x, int xi, int ldx,
      float f) {
    for (int r = 0; r < rows; r++) {
      for (int v = 0; v < cols; v += L) {
        int at = ci + r * ldc + v;
        FloatVector.fromArray(S, c, at)
            .mul(FloatVector.fromArray(S, x, xi + r * ldx + v).mul(f)).intoArray(c, at);
      }
    }
  }
}
