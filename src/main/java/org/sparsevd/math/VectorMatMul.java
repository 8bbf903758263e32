package org.sparsevd.math;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code jdk.incubator.vector} kernels. All three products run through one strided driver:
 * row r, column p of the left operand sits at {@code a[aOff + r * rowStride + p * colStride]},
 * so gemm and gemmTN differ only in their strides, and gemmNT transposes B once (k * n
 * floats, cheap next to the 2 * m * k * n flops) and becomes a gemm. A gemmTN with a C
 * narrower than one block and taller than wide runs as its transpose ({@link #gemmTN}). The
 * input gradient's two products ({@link #gemmNTScaledPlusNT}) have a driver of their own that
 * writes C once.
 *
 * <p>Blocking: six rows of C by four vectors of columns are held in twenty-four accumulators
 * while p runs over a k-block, each step broadcasting six scalars of A, loading four vectors of
 * B and issuing twenty-four FMAs ({@link VectorKernels}). Where zeros are skipped, four rows run
 * at a time over the p where any of them is nonzero (a list for six rows would skip less).
 * Columns left over after the four-vector blocks run in one vector if they fit in one, two if
 * they fit in two (the 20 filters of a thin convolution), else a full block, so three kernel
 * widths cover every n. That block reads B in place: its lanes past n read on into the next
 * row of B, and their sums land in the padding of a copy of those columns of C, which is
 * dropped. Only B's last rows, where such a read would leave the array, are copied with zeros
 * (copying all of B cost more than the products of a thin convolution's weight gradient:
 * 57,600 rows of 20 filters).
 *
 * <p>Loop order: groups of GROUP rows, then blocks of columns, then k-blocks of at most KC
 * rows of B, then the units of six, four or one rows of the group. The innermost loop reuses
 * one KC x WIDE panel of B for every unit while it is in cache; walking all of B per unit
 * instead ran at about two thirds of the speed, B (784 x 300 floats, 940 KB) being re-read from
 * L2 or beyond by every unit.
 *
 * <p>Zero skipping: each quad gets a list of the p where any of its four scalars is nonzero,
 * built once per group; rows left over after the quads run alone on their own lists. A list
 * pays only when it skips enough: a sample of A estimates the share of p a list would skip,
 * and lists are built when that share, times the column blocks each p feeds, exceeds
 * LIST_COST (twice that for a transposed A); otherwise every p runs. The choice depends only
 * on the data, and a skipped p only saves adding a zero product, which leaves the sum's bits
 * alone: no choice changes a result.
 */
final class VectorMatMul implements MatMulKernels {

  private static final VectorSpecies<Float> S = VectorKernels.S;
  private static final int L = VectorKernels.L;
  private static final int WIDE = 4 * L;
  /** Rows whose nonzero lists are kept while one panel of B is reused across them. */
  private static final int GROUP = 64;
  /** Lists per group: one per four rows, plus up to three for leftover single rows. */
  private static final int MAX_LISTS = GROUP / 4 + 3;
  /** Most rows of B per k-block: such a panel of B stays in cache while GROUP rows use it. */
  private static final int KC = 256;
  /**
   * What one quad's list entry for one p costs, in four-vector product steps, with A stored by
   * rows and transposed (gemmTN): where the lists break even in gemm and gemmTN at batch 1000,
   * k = 784, n = 300 and at 6,400 x 500 x 64, over 50-90% random zeros.
   */
  private static final double LIST_COST = 1.0;
  private static final double LIST_COST_TRANSPOSED = 2.0;
  /** Quads and p sampled by {@link #skippedShare}. */
  private static final int SAMPLE_QUADS = 32;
  private static final int SAMPLE_P = 128;

  @Override
  public String name() {
    return "vector(" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public void gemm(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    multiply(a, aOff, k, 1, b, bOff, c, cOff, m, k, n, accumulate);
  }

  /**
   * A weight gradient X^T dY whose C is narrower than one four-vector block and taller than
   * wide (a convolution's patch values by its few filters) is computed as its transpose,
   * dY^T X, which puts the longer side of C in the lanes: the per-weight LeNet-5 gradients of
   * 25 x 20 and 500 x 50 ran 1.17x and 1.84x faster so, over 57,600 and 6,400 rows. Every
   * element still sums the same terms in increasing p (x * y and y * x are the same product),
   * so the bits do not change.
   */
  @Override
  public void gemmTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    if (n >= WIDE || m <= n) {
      multiply(a, aOff, 1, m, b, bOff, c, cOff, m, k, n, accumulate);
      return;
    }
    float[] ct = new float[n * m];
    if (accumulate) {
      transpose(c, cOff, m, n, ct, 0);
    }
    multiply(b, bOff, 1, n, a, aOff, ct, 0, n, k, m, accumulate);
    transpose(ct, 0, n, m, c, cOff);
  }

  /** to[j][i] = from[i][j] for a rows x cols matrix. */
  private static void transpose(float[] from, int fromOff, int rows, int cols, float[] to,
      int toOff) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        to[toOff + j * rows + i] = from[fromOff + i * cols + j];
      }
    }
  }

  @Override
  public void gemmNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    float[] bt = new float[k * n];
    // Gathers of L rows of B (a stride of k) fill L consecutive columns of bt's row p.
    int[] rowStarts = new int[L];
    for (int l = 0; l < L; l++) {
      rowStarts[l] = l * k;
    }
    int nVec = n - n % L;
    for (int j = 0; j < nVec; j += L) {
      int bj = bOff + j * k;
      for (int p = 0; p < k; p++) {
        FloatVector.fromArray(S, b, bj + p, rowStarts, 0).intoArray(bt, p * n + j);
      }
    }
    for (int j = nVec; j < n; j++) {
      for (int p = 0; p < k; p++) {
        bt[p * n + j] = b[bOff + j * k + p];
      }
    }
    multiply(a, aOff, k, 1, bt, 0, c, cOff, m, k, n, accumulate);
  }

  /**
   * B1 and B2 are transposed once into k x nPad panels, zero past column n. A unit of six rows
   * (four where lists pay, then single rows) takes the blocks of four vectors of columns in
   * turn, so C is written row after row; each tile gets the first product, the scaling and the
   * second product while it is in cache, so C is written once and never read back. Where A1
   * and A2 have enough zeros (the gradient reaching a convolution through max pooling and
   * ReLU), a unit of four rows runs over the p where any of its rows of A1 or A2 is nonzero, a
   * list built once for all blocks of columns. A last, partial block of columns goes through a
   * tile buffer: X's columns copied in, C's copied out.
   */
  @Override
  public void gemmNTScaledPlusNT(float[] a1, float[] b1, float[] x, float f, float[] a2,
      float[] b2, float[] c, int m, int k, int n) {
    int nPad = (n + WIDE - 1) / WIDE * WIDE;
    float[] bt1 = transposePadded(b1, n, k, nPad);
    float[] bt2 = transposePadded(b2, n, k, nPad);
    float[] xt = new float[6 * WIDE];
    float[] ct = new float[6 * WIDE];
    // Each p of a unit's list feeds two products over every block of columns.
    boolean skip = k > 0 && Math.min(skippedShare(a1, 0, k, 1, m, k),
        skippedShare(a2, 0, k, 1, m, k)) * 2 * (nPad / WIDE) > LIST_COST;
    int[] list = new int[k];
    for (int p = 0; p < k; p++) {
      list[p] = p;
    }
    for (int r = 0, h; r < m; r += h) {
      h = m - r < 4 ? 1 : skip ? 4 : m - r >= 6 ? 6 : 4;
      int cnt = skip ? nonzeros(a1, a2, r * k, k, h, list) : k;
      for (int j = 0; j < n; j += WIDE) {
        int cols = Math.min(WIDE, n - j);
        boolean whole = cols == WIDE;
        for (int t = 0; !whole && t < h; t++) {
          System.arraycopy(x, (r + t) * n + j, xt, t * WIDE, cols);
        }
        float[] xs = whole ? x : xt;
        float[] cs = whole ? c : ct;
        int at = whole ? r * n + j : 0;
        int ld = whole ? n : WIDE;
        for (int pass = 0; pass < 2; pass++) {
          float[] a = pass == 0 ? a1 : a2;
          float[] bt = pass == 0 ? bt1 : bt2;
          boolean add = pass == 1;
          switch (h) {
            case 6 -> VectorKernels.wide6(a, r * k, k, 1, 0, k, bt, j, nPad, cs, at, ld, add);
            case 4 -> VectorKernels.wide4(a, r * k, k, 1, list, 0, cnt, bt, j, nPad, cs, at, ld,
                add);
            default -> VectorKernels.wide1(a, r * k, 1, list, 0, cnt, bt, j, nPad, cs, at, add);
          }
          if (pass == 0) {
            VectorKernels.scale(cs, at, ld, h, xs, at, ld, f);
          }
        }
        for (int t = 0; !whole && t < h; t++) {
          System.arraycopy(ct, t * WIDE, c, (r + t) * n + j, cols);
        }
      }
    }
  }

  /**
   * Stores in list the p where any of the h rows of A1 or A2 from index at (rows k apart) is
   * nonzero, in increasing order; returns how many.
   */
  private static int nonzeros(float[] a1, float[] a2, int at, int k, int h, int[] list) {
    int cnt = 0;
    for (int p = 0; p < k; p++) {
      boolean any = false;
      for (int t = at + p, end = at + h * k; t < end; t += k) {
        any |= a1[t] != 0f | a2[t] != 0f;
      }
      list[cnt] = p;
      cnt += any ? 1 : 0;
    }
    return cnt;
  }

  /** The transpose of B (stored n x k) as k x nPad, zero in columns n and beyond. */
  private static float[] transposePadded(float[] b, int n, int k, int nPad) {
    float[] bt = new float[k * nPad];
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        bt[p * nPad + j] = b[j * k + p];
      }
    }
    return bt;
  }

  /** C[m x n] (+)= A * B with A[r][p] = a[aOff + r * rs + p * cs] and B row-major k x n. */
  private static void multiply(float[] a, int aOff, int rs, int cs, float[] b, int bOff,
      float[] c, int cOff, int m, int k, int n, boolean acc) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (!acc) {
        Arrays.fill(c, cOff, cOff + m * n, 0f);
      }
      return;
    }
    int nWide = n - n % WIDE;
    int rest = n - nWide;
    // The last partial block of columns: restWidth lanes, read in place from B's rows below
    // inPlace, and from rb (row p - inPlace, zero padded) for the rest; C's columns in rc.
    int restWidth = rest <= L ? L : rest <= 2 * L ? 2 * L : WIDE;
    int inPlace = rest == 0 ? k
        : Math.max(0, Math.min(k, Math.floorDiv(b.length - bOff - nWide - restWidth, n) + 1));
    float[] rb = new float[(k - inPlace) * restWidth];
    for (int p = inPlace; p < k; p++) {
      System.arraycopy(b, bOff + p * n + nWide, rb, (p - inPlace) * restWidth, rest);
    }
    float[] rc = new float[rest == 0 ? 0 : GROUP * restWidth];
    int kBlocks = (k + KC - 1) / KC;
    int kc = (k + kBlocks - 1) / kBlocks; // equal blocks: 784 is 4 x 196, not 3 x 256 + 16
    // Lists pay when the share of p they skip, times the products a p costs (in four-vector
    // blocks of columns), outweighs building them.
    double blocks = (double) (nWide + (rest == 0 ? 0 : restWidth)) / WIDE;
    double listCost = cs == 1 ? LIST_COST : LIST_COST_TRANSPOSED;
    boolean skip = blocks > listCost && skippedShare(a, aOff, rs, cs, m, k) * blocks > listCost;
    int[] lists = new int[skip ? MAX_LISTS * k : k];
    int[] starts = new int[MAX_LISTS * (kBlocks + 1)];
    for (int p = 0; p < k && !skip; p++) {
      lists[p] = p;
    }
    for (int i0 = 0; i0 < m; i0 += GROUP) {
      int rows = Math.min(GROUP, m - i0);
      // Units of rows: without lists six at a time, then fours, then single rows, with one
      // six fewer where two or three rows would be left (50 rows: 7 sixes and 2 fours, not 8
      // sixes and 2 single rows); with lists fours (a six would skip less), then single rows.
      int sixes = skip ? 0 : rows % 6 == 2 || rows % 6 == 3 ? Math.max(0, rows / 6 - 1)
          : rows / 6;
      int quads = (rows - 6 * sixes) / 4;
      int singles = rows - 6 * sixes - 4 * quads;
      int nUnits = sixes + quads + singles;
      if (skip) {
        collectNonzeros(a, aOff + i0 * rs, rs, cs, rows, k, kc, kBlocks, lists, starts);
      }
      for (int j = 0; j < n; j += WIDE) {
        boolean padded = j == nWide;
        // The kernel's columns: 0 one vector, 1 two, 2 four.
        int width = !padded || restWidth == WIDE ? 2 : restWidth == L ? 0 : 1;
        int bj = bOff + j;
        float[] cm = padded ? rc : c;
        int cj = padded ? 0 : cOff + i0 * n + j;
        int ldc = padded ? restWidth : n;
        for (int r = 0; padded && acc && r < rows; r++) {
          System.arraycopy(c, cOff + (i0 + r) * n + j, rc, r * restWidth, rest);
        }
        for (int q = 0; q < kBlocks; q++) {
          boolean add = acc || q > 0;
          for (int t = 0; t < nUnits; t++) {
            int height = t < sixes ? 6 : t < sixes + quads ? 4 : 1;
            int row = t < sixes ? 6 * t
                : t < sixes + quads ? 6 * sixes + 4 * (t - sixes) : rows - nUnits + t;
            // A six's list is the identity (it runs only without lists); the k-block's range.
            int list = t - sixes;
            int from = skip ? list * k + starts[list * (kBlocks + 1) + q] : q * kc;
            int cnt = skip ? list * k + starts[list * (kBlocks + 1) + q + 1] - from
                : Math.min(kc, k - q * kc);
            int ar = aOff + (i0 + row) * rs;
            int ci = cj + row * ldc;
            int kind = (height == 6 ? 0 : height == 4 ? 3 : 6) + width;
            // The p past inPlace, at the end of the list, read the copied rows.
            int tail = from + cnt;
            while (padded && tail > from && lists[tail - 1] >= inPlace) {
              tail--;
            }
            products(kind, a, ar, rs, cs, lists, from, tail - from, b, bj, n, cm, ci, ldc, add);
            if (tail < from + cnt) {
              products(kind, a, ar, rs, cs, lists, tail, from + cnt - tail, rb,
                  -inPlace * restWidth, restWidth, cm, ci, ldc, true);
            }
          }
        }
        for (int r = 0; padded && r < rows; r++) {
          System.arraycopy(rc, r * restWidth, c, cOff + (i0 + r) * n + j, rest);
        }
      }
    }
  }

  /**
   * One kernel over the listed p: kind 0-2 six rows (the listed p are a range: lists are the
   * identity without skipping), 3-5 four rows, 6-8 one row; one, two or four vectors of
   * columns.
   */
  private static void products(int kind, float[] a, int ar, int rs, int cs, int[] list,
      int from, int cnt, float[] b, int bj, int ldb, float[] c, int ci, int ldc, boolean add) {
    switch (kind) {
      case 0 -> VectorKernels.narrow6(a, ar, rs, cs, from, from + cnt, b, bj, ldb, c, ci, ldc,
          add);
      case 1 -> VectorKernels.mid6(a, ar, rs, cs, from, from + cnt, b, bj, ldb, c, ci, ldc, add);
      case 2 -> VectorKernels.wide6(a, ar, rs, cs, from, from + cnt, b, bj, ldb, c, ci, ldc,
          add);
      case 3 -> VectorKernels.narrow4(a, ar, rs, cs, list, from, cnt, b, bj, ldb, c, ci, ldc,
          add);
      case 4 -> VectorKernels.mid4(a, ar, rs, cs, list, from, cnt, b, bj, ldb, c, ci, ldc, add);
      case 5 -> VectorKernels.wide4(a, ar, rs, cs, list, from, cnt, b, bj, ldb, c, ci, ldc, add);
      case 6 -> VectorKernels.narrow1(a, ar, cs, list, from, cnt, b, bj, ldb, c, ci, add);
      case 7 -> VectorKernels.mid1(a, ar, cs, list, from, cnt, b, bj, ldb, c, ci, add);
      default -> VectorKernels.wide1(a, ar, cs, list, from, cnt, b, bj, ldb, c, ci, add);
    }
  }

  /**
   * The share of (four rows, p) with all four A values zero, over up to SAMPLE_QUADS quads
   * and SAMPLE_P values of p spread evenly: what the lists would skip. Asked only where the
   * lists could pay at all (more column blocks than a list entry costs). It depends only on the
   * data, so the choice it makes is deterministic, and skipping a zero product leaves every
   * sum's bits alone either way.
   */
  private static double skippedShare(float[] a, int aOff, int rs, int cs, int m, int k) {
    int quads = m / 4;
    if (quads == 0) {
      return 0;
    }
    int qs = Math.min(quads, SAMPLE_QUADS);
    // At most an eighth of what the lists would read, so a small product does not pay more
    // for the sample than for itself.
    int ps = (int) Math.max(1, Math.min(Math.min(k, SAMPLE_P), (long) quads * k / 8 / qs));
    int zero = 0;
    for (int i = 0; i < qs; i++) {
      int r = (int) ((long) i * quads / qs) * 4;
      for (int j = 0; j < ps; j++) {
        int at = aOff + r * rs + (int) ((long) j * k / ps) * cs;
        boolean none = a[at] == 0f & a[at + rs] == 0f & a[at + 2 * rs] == 0f
            & a[at + 3 * rs] == 0f;
        zero += none ? 1 : 0;
      }
    }
    return (double) zero / (qs * ps);
  }

  /**
   * For each group of four rows (then each leftover row) t, stores in lists[t*k ..) the
   * columns p where any of its rows is nonzero, and in starts[t*(kBlocks+1) + q] the position
   * in that list of the first p of k-block q. Written without branches on the data, and
   * without a division per p.
   */
  private static void collectNonzeros(float[] a, int base, int rs, int cs, int rows, int k,
      int kc, int kBlocks, int[] lists, int[] starts) {
    int quads = rows / 4;
    int nLists = quads + rows % 4;
    if (cs != 1) {
      // A transposed (gemmTN): its rows sit in one row of memory, so sweep the rows of memory
      // once for all lists; per list, the walk along p would touch one cache line per p.
      collectNonzerosByP(a, base, rs, cs, quads, nLists, k, kc, kBlocks, lists, starts);
      return;
    }
    for (int t = 0; t < nLists; t++) {
      int a0 = base + (t < quads ? 4 * t : quads * 4 + t - quads) * rs;
      // A single row reads itself four times, which keeps one loop for both.
      int step = t < quads ? rs : 0;
      int a1 = a0 + step;
      int a2 = a1 + step;
      int a3 = a2 + step;
      int out = t * k;
      int st = t * (kBlocks + 1);
      int cnt = 0;
      for (int q = 0; q < kBlocks; q++) {
        starts[st + q] = cnt;
        for (int p = q * kc, end = Math.min(k, p + kc); p < end; p++) {
          lists[out + cnt] = p;
          boolean any = a[a0 + p] != 0f | a[a1 + p] != 0f | a[a2 + p] != 0f | a[a3 + p] != 0f;
          cnt += any ? 1 : 0;
        }
      }
      starts[st + kBlocks] = cnt;
    }
  }

  /** The same lists as {@link #collectNonzeros}, built with p in the outer loop. */
  private static void collectNonzerosByP(float[] a, int base, int rs, int cs, int quads,
      int nLists, int k, int kc, int kBlocks, int[] lists, int[] starts) {
    int[] cnt = new int[nLists];
    for (int q = 0; q < kBlocks; q++) {
      for (int t = 0; t < nLists; t++) {
        starts[t * (kBlocks + 1) + q] = cnt[t];
      }
      for (int p = q * kc, end = Math.min(k, p + kc); p < end; p++) {
        int ap = base + p * cs;
        for (int t = 0; t < nLists; t++) {
          int r0 = ap + (t < quads ? 4 * t : quads * 4 + t - quads) * rs;
          int step = t < quads ? rs : 0;
          lists[t * k + cnt[t]] = p;
          boolean any = a[r0] != 0f | a[r0 + step] != 0f | a[r0 + 2 * step] != 0f
              | a[r0 + 3 * step] != 0f;
          cnt[t] += any ? 1 : 0;
        }
      }
    }
    for (int t = 0; t < nLists; t++) {
      starts[t * (kBlocks + 1) + kBlocks] = cnt[t];
    }
  }
}
