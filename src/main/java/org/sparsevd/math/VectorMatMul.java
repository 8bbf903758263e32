package org.sparsevd.math;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 * <p>Blocking: six rows of C by a block of four vectors of columns (two on machines with 16
 * vector registers, see {@link #forThisMachine}) are held in accumulators while p runs over a
 * k-block, each step broadcasting six scalars of A, loading the block's vectors of B and
 * issuing one FMA per accumulator ({@link VectorKernels}). Columns left over after the full
 * blocks run in one vector if they fit in one, two if they fit in two (the 20 filters of a
 * thin convolution), else a full block, so at most three kernel widths cover every n.
 *
 * <p>Two drivers. Products that skip no zeros, from six rows up, pack one k-block of B into
 * panels of the kernels' widths and each group's sixes of rows of A into p-major runs, so the
 * six-row kernels read both in order at constant strides ({@link #multiplyPacked}). Products
 * that skip zeros run four rows at a time over the p where any of them is nonzero (a list for
 * six rows would skip less), over all of B packed into panels once where the lists read it
 * often enough ({@link #multiplyInPlace}): groups of GROUP rows, then blocks of columns, then
 * k-blocks of at most KC rows of B, then the units of the group, so one KC x block panel of B
 * serves every unit while it is in cache (walking all of B per unit ran at about two thirds of
 * the speed). Where B is read in place (fewer list reads, or fewer than six rows and no
 * lists), the last partial block's lanes past n read on into the next row of B, and their sums
 * land in the padding of a copy of those columns of C, which is dropped. Only B's last rows,
 * where such a read would leave the array, are copied with zeros (copying all of B cost more
 * than the products of a thin convolution's weight gradient: 57,600 rows of 20 filters).
 *
 * <p>Zero skipping: each quad gets a list of the p where any of its four scalars is nonzero,
 * built once per group (passing over L p at once where all are zero, as along an image's
 * borders), and its values of A packed along the list; rows left over after the
 * quads run alone on their own lists. A list pays only when it skips enough: a sample of A
 * estimates the share of p a list would skip, and lists are built when that share exceeds
 * MIN_SKIPPED_SHARE and, times the column blocks each p feeds, LIST_COST (twice that for a
 * transposed A); otherwise every p runs. The choice depends only
 * on the data, and a skipped p only saves adding a zero product, which leaves the sum's bits
 * alone: no choice changes a result.
 */
final class VectorMatMul implements MatMulKernels {

  private static final VectorSpecies<Float> S = VectorKernels.S;
  private static final int L = VectorKernels.L;
  /**
   * Rows whose nonzero lists are kept while one panel of B is reused across them: ten sixes or
   * fifteen quads, so a group of the packed products needs no four-row remainder (with 64 rows,
   * ten sixes and a quad, conv1's forward product took 2.9-4.1 ms against 2.1-2.5 on a 256-bit
   * Zen 3 core).
   */
  private static final int GROUP = 60;
  /** Lists per group: one per four rows, plus up to three for leftover single rows. */
  private static final int MAX_LISTS = GROUP / 4 + 3;
  /** Most rows of B per k-block: such a panel of B stays in cache while GROUP rows use it. */
  private static final int KC = 256;
  /**
   * Most rows of B per k-block where A and B are packed: LeNet-5 conv2's 500 patch values in
   * one block. On a 256-bit Zen 3 core its forward product took 7.6-8.2 ms so against 8.4-8.8
   * in two blocks of 250, and its transposed weight gradient (k = 6,400) 5.9-6.6 ms against
   * 6.3-6.7 in blocks of 256.
   */
  private static final int PACKED_KC = 512;
  /**
   * What one quad's list entry for one p costs, in four-vector product steps, with A stored by
   * rows and transposed (gemmTN): where the lists break even in gemm and gemmTN at batch 1000,
   * k = 784, n = 300 and at 6,400 x 500 x 64, over 50-90% random zeros.
   */
  private static final double LIST_COST = 1.0;
  private static final double LIST_COST_TRANSPOSED = 2.0;
  /**
   * The least share of p a list must skip: the list kernels read B in place and at a list's p,
   * and ran at about 40% of the packed kernels' rate (LeNet-5 conv2's weight gradients, 50 x
   * 6,400 x 500 with a third of the p skipped, 16.4 ms against 6.6 dense on a 256-bit core).
   */
  private static final double MIN_SKIPPED_SHARE = 0.6;
  /**
   * The least list entries per row of B (quads times the share of p their lists keep) for the
   * lists to read B packed: packing copies each row of B once, and pays where the lists read it
   * this often. LeNet-300-100's first layer at batch 1000 (about 95 reads a row) ran about 10%
   * faster packed on a 256-bit Zen 3 core; at batch 100 (about 10) its forward product took
   * 0.66-0.94 ms packed against 0.49-0.53 in place.
   */
  private static final double PACK_READS = 25;
  /**
   * Most columns of C for the packed products to read A's contiguous rows in place, a packed
   * value serving fewer kernels the narrower C is: conv1's forward product (57,600 x 25 x 20)
   * took 2.0-2.1 ms so against 2.5-3.0 packing them, and conv2's (6,400 x 500 x 50) about twice
   * as long in place, on a 256-bit Zen 3 core.
   */
  private static final int IN_PLACE_COLUMNS = 32;
  /** Quads and p sampled by {@link #skippedShare}. */
  private static final int SAMPLE_QUADS = 32;
  private static final int SAMPLE_P = 128;

  /** Vectors of columns in a full block: 2 or 4. */
  private final int vectors;
  /** Columns in a full block. */
  private final int wide;

  /** @param vectors vectors of columns in a full block of C: 2 or 4 */
  VectorMatMul(int vectors) {
    if (vectors != 2 && vectors != 4) {
      throw new IllegalArgumentException("a block of " + vectors + " vectors: 2 or 4");
    }
    this.vectors = vectors;
    this.wide = vectors * L;
  }

  /**
   * Blocks of four vectors where a six-row block's 24 accumulators, four vectors of B and a
   * broadcast fit in the registers: 512-bit vectors (AVX-512, 32 registers) and AArch64 (32).
   * Elsewhere (AVX2, 16 registers) a block of four spills its accumulators to the stack on
   * every step, and two (12 accumulators) run about three times as fast: LeNet-5's conv2
   * forward product, 6,400 x 500 x 50, at 19 and 62 GFLOP/s on a 256-bit Zen 3 core.
   */
  static VectorMatMul forThisMachine() {
    boolean manyRegisters = S.vectorBitSize() >= 512
        || "aarch64".equals(System.getProperty("os.arch"));
    return new VectorMatMul(manyRegisters ? 4 : 2);
  }

  @Override
  public String name() {
    return "vector(" + S.vectorBitSize() + "-bit, " + vectors + "-vector blocks)";
  }

  @Override
  public void gemm(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    multiply(a, aOff, k, 1, b, bOff, c, cOff, m, k, n, accumulate);
  }

  /**
   * A weight gradient X^T dY whose C is narrower than 64 columns and taller than wide (a
   * convolution's patch values by its few filters) is computed as its transpose, dY^T X, which
   * puts the longer side of C in the lanes: the per-weight LeNet-5 gradients of 25 x 20 and
   * 500 x 50 ran 1.17x and 1.84x faster so, over 57,600 and 6,400 rows, on 512-bit vectors;
   * on 256-bit vectors the 500 x 50 one took 6.5-7.1 ms so against 13-18 directly. Every
   * element still sums the same terms in increasing p (x * y and y * x are the same product),
   * so the bits do not change.
   */
  @Override
  public void gemmTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    if (n >= 64 || m <= n) {
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
   * B1 and B2 are transposed once into panels of a block of columns each (the block from
   * column j at j * k, its row p at p * block width), zero past column n. A unit of six rows
   * (four where lists pay, then single rows) takes the blocks of columns in turn, so C is
   * written row after row; each tile gets the first product, the scaling and the second
   * product while it is in cache, so C is written once and never read back. A six's rows of A1
   * and A2 are packed once for all blocks ({@link #packSixes}). Where A1 and A2 have enough
   * zeros (the gradient reaching a convolution through max pooling and ReLU), a unit of four
   * rows runs over the p where any of its rows of A1 or A2 is nonzero, a list built once for
   * all blocks of columns. A last, partial block of columns goes through a tile buffer: X's
   * columns copied in, C's copied out.
   */
  @Override
  public void gemmNTScaledPlusNT(float[] a1, float[] b1, float[] x, float f, float[] a2,
      float[] b2, float[] c, int m, int k, int n) {
    int nPad = (n + wide - 1) / wide * wide;
    float[] bt1 = transposedPanels(b1, n, k, nPad);
    float[] bt2 = transposedPanels(b2, n, k, nPad);
    float[] xt = new float[6 * wide];
    float[] ct = new float[6 * wide];
    float[] ap1 = new float[6 * k + L];
    float[] ap2 = new float[6 * k + L];
    // Each p of a unit's list feeds two products over every block of columns.
    double share = k == 0 ? 0 : Math.min(skippedShare(a1, 0, k, 1, m, k),
        skippedShare(a2, 0, k, 1, m, k));
    boolean skip = share > MIN_SKIPPED_SHARE && share * 2 * nPad / (4 * L) > LIST_COST;
    int[] list = new int[k];
    for (int p = 0; p < k; p++) {
      list[p] = p;
    }
    for (int r = 0, h; r < m; r += h) {
      h = m - r < 4 ? 1 : skip ? 4 : m - r >= 6 ? 6 : 4;
      int cnt = skip ? nonzeros(a1, a2, r * k, k, h, list) : k;
      if (h == 6) {
        packSixes(a1, r * k, k, 1, 1, k, ap1);
        packSixes(a2, r * k, k, 1, 1, k, ap2);
      } else if (h == 4) {
        packQuad(a1, r * k, k, 1, list, 0, cnt, ap1, 0);
        packQuad(a2, r * k, k, 1, list, 0, cnt, ap2, 0);
      }
      for (int j = 0; j < n; j += wide) {
        int cols = Math.min(wide, n - j);
        boolean whole = cols == wide;
        for (int t = 0; !whole && t < h; t++) {
          System.arraycopy(x, (r + t) * n + j, xt, t * wide, cols);
        }
        float[] xs = whole ? x : xt;
        float[] cs = whole ? c : ct;
        int at = whole ? r * n + j : 0;
        int ld = whole ? n : wide;
        for (int pass = 0; pass < 2; pass++) {
          boolean add = pass == 1;
          float[] bt = pass == 0 ? bt1 : bt2;
          float[] ap = pass == 0 ? ap1 : ap2;
          if (h == 6) {
            six(vectors, ap, 0, 0, k, bt, j * k, cs, at, ld, add);
          } else if (h == 4) {
            quad(vectors, ap, 0, list, 0, cnt, bt, j * k, wide, cs, at, ld, add);
          } else {
            single(vectors, pass == 0 ? a1 : a2, r * k, 1, list, 0, cnt, bt, j * k, wide, cs, at,
                add);
          }
          if (pass == 0) {
            VectorKernels.scale(cs, at, ld, h, wide, xs, at, ld, f);
          }
        }
        for (int t = 0; !whole && t < h; t++) {
          System.arraycopy(ct, t * wide, c, (r + t) * n + j, cols);
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

  /**
   * B (stored n x k) transposed into panels of {@code wide} columns: B[j][p] at
   * (j / wide) * wide * k + p * wide + j % wide, zero in columns n and beyond.
   */
  private float[] transposedPanels(float[] b, int n, int k, int nPad) {
    float[] bt = new float[k * nPad];
    for (int j = 0; j < n; j++) {
      int at = j / wide * wide * k + j % wide;
      for (int p = 0; p < k; p++) {
        bt[at + p * wide] = b[j * k + p];
      }
    }
    return bt;
  }

  /**
   * Packs {@code sixes} units of six rows of A, A[r][p] = a[base + r * rs + p * cs], p-major:
   * A[6u + t][p] at ap[6uk + 6p + t], so a six-row kernel reads one run in order. Where a p's
   * six values are adjacent (rs = 1: a transposed A, as in a weight gradient), one vector
   * copies them, its lanes past six landing where the next p's copy overwrites them; ap has
   * L floats of slack past the last unit for the last copy.
   */
  private static void packSixes(float[] a, int base, int rs, int cs, int sixes, int k,
      float[] ap) {
    for (int u = 0; u < sixes; u++) {
      int r0 = base + 6 * u * rs;
      int to = 6 * u * k;
      int p = 0;
      // Vector copies up to the last p whose L lanes stay inside a.
      int vectorEnd = rs == 1 ? Math.min(k, Math.floorDiv(a.length - L - r0, cs) + 1) : 0;
      for (; p < vectorEnd; p++) {
        FloatVector.fromArray(S, a, r0 + p * cs).intoArray(ap, to + 6 * p);
      }
      int r1 = r0 + rs;
      int r2 = r1 + rs;
      int r3 = r2 + rs;
      int r4 = r3 + rs;
      int r5 = r4 + rs;
      for (; p < k; p++) {
        int at = to + 6 * p;
        int f = p * cs;
        ap[at] = a[r0 + f];
        ap[at + 1] = a[r1 + f];
        ap[at + 2] = a[r2 + f];
        ap[at + 3] = a[r3 + f];
        ap[at + 4] = a[r4 + f];
        ap[at + 5] = a[r5 + f];
      }
    }
  }

  /** C[m x n] (+)= A * B with A[r][p] = a[aOff + r * rs + p * cs] and B row-major k x n. */
  private void multiply(float[] a, int aOff, int rs, int cs, float[] b, int bOff,
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
    int nWide = n - n % wide;
    int rest = n - nWide;
    int restWidth = restWidth(rest);
    int kBlocks = (k + KC - 1) / KC;
    int kc = (k + kBlocks - 1) / kBlocks; // equal blocks: 784 is 4 x 196, not 3 x 256 + 16
    int packedBlocks = (k + PACKED_KC - 1) / PACKED_KC;
    // Lists pay when the share of p they skip, times the products a p costs (in four-vector
    // blocks of columns), outweighs building them.
    double blocks = (double) (nWide + restWidth) / (4 * L);
    double listCost = cs == 1 ? LIST_COST : LIST_COST_TRANSPOSED;
    double share = blocks > listCost ? skippedShare(a, aOff, rs, cs, m, k) : 0;
    boolean skip = share > MIN_SKIPPED_SHARE && share * blocks > listCost;
    if (skip || m < 6) {
      // Lists read B packed where each row of B serves enough list entries to repay its copy.
      boolean packB = skip && m / 4 * (1 - share) >= PACK_READS;
      multiplyInPlace(a, aOff, rs, cs, b, bOff, c, cOff, m, k, n, acc, skip, packB, kc, kBlocks);
    } else {
      multiplyPacked(a, aOff, rs, cs, b, bOff, c, cOff, m, k, n, acc,
          (k + packedBlocks - 1) / packedBlocks, packedBlocks);
    }
  }

  /**
   * The products that skip nothing, from six rows up, packed one k-block at a time: the
   * block's rows of B into panels of the kernels' widths (the columns from j, w wide, at j *
   * kc, row p at p * w; lanes past n unused), then for each group of rows its sixes of A into
   * p-major runs ({@link #packSixes}). The six-row kernels then read two arrays in order at
   * constant strides, held in cache: on a 256-bit Zen 3 core such a kernel ran at 87-90
   * GFLOP/s in cache, against 40-42 reading A and B in place. Rows left after the sixes (50
   * rows: seven sixes and two fours, not eight sixes and two single rows) run as fours, then
   * singles, with A in place. Where A's rows are contiguous and C has at most
   * IN_PLACE_COLUMNS columns, the sixes read A in place instead: each packed value would serve
   * too few kernels to repay its copy. A partial last block of columns goes through a tile of one
   * group's rows, C's columns copied in (when added to) and out for each k-block; a tile of all
   * rows (1.8 MB for conv1's forward product) cost more to allocate than the copies.
   */
  private void multiplyPacked(float[] a, int aOff, int rs, int cs, float[] b, int bOff,
      float[] c, int cOff, int m, int k, int n, boolean acc, int kc, int kBlocks) {
    int nWide = n - n % wide;
    int rest = n - nWide;
    int restWidth = restWidth(rest);
    float[] bp = new float[kc * (nWide + restWidth)];
    boolean rowsInPlace = cs == 1 && n <= IN_PLACE_COLUMNS;
    float[] ap = new float[rowsInPlace ? 0 : Math.min(m, GROUP) / 6 * 6 * kc + L];
    float[] aq = new float[2 * 4 * kc];
    float[] rc = new float[Math.min(m, GROUP) * restWidth];
    int[] identity = new int[kc];
    for (int p = 0; p < kc; p++) {
      identity[p] = p;
    }
    for (int q = 0; q < kBlocks; q++) {
      int from = q * kc;
      int len = Math.min(kc, k - from);
      boolean add = acc || q > 0;
      packPanels(b, bOff + from * n, n, len, kc, nWide, restWidth, bp);
      for (int i0 = 0; i0 < m; i0 += GROUP) {
        int rows = Math.min(GROUP, m - i0);
        int sixes = rows % 6 == 2 || rows % 6 == 3 ? Math.max(0, rows / 6 - 1) : rows / 6;
        int quads = (rows - 6 * sixes) / 4;
        int others = quads + rows - 6 * sixes - 4 * quads;
        int ar = aOff + i0 * rs + from * cs;
        if (!rowsInPlace) {
          packSixes(a, ar, rs, cs, sixes, len, ap);
        }
        for (int t = 0; t < quads; t++) {
          packQuad(a, ar + (6 * sixes + 4 * t) * rs, rs, cs, identity, 0, len, aq, 4 * t * kc);
        }
        for (int j = 0; j < n; j += wide) {
          boolean padded = j == nWide;
          int width = padded ? restWidth / L : vectors;
          float[] cm = padded ? rc : c;
          int ldc = padded ? restWidth : n;
          int cj = padded ? 0 : cOff + i0 * n + j;
          if (padded && add) {
            copyColumns(c, cOff + i0 * n + j, n, rc, 0, restWidth, rows, rest);
          }
          for (int u = 0; u < sixes; u++) {
            int cu = cj + 6 * u * ldc;
            if (rowsInPlace) {
              sixRows(width, a, ar + 6 * u * rs, rs, len, bp, j * kc, cm, cu, ldc, add);
            } else {
              six(width, ap, 6 * u * len, 0, len, bp, j * kc, cm, cu, ldc, add);
            }
          }
          for (int t = 0; t < others; t++) {
            int row = 6 * sixes + (t < quads ? 4 * t : 4 * quads + t - quads);
            if (t < quads) {
              quad(width, aq, 4 * t * kc, identity, 0, len, bp, j * kc, width * L, cm,
                  cj + row * ldc, ldc, add);
            } else {
              single(width, a, ar + row * rs, cs, identity, 0, len, bp, j * kc, width * L, cm,
                  cj + row * ldc, add);
            }
          }
          if (padded) {
            copyColumns(rc, 0, restWidth, c, cOff + i0 * n + j, n, rows, rest);
          }
        }
      }
    }
  }

  /**
   * Lanes of the kernel for the last {@code rest} columns: one vector if they fit in one, two
   * if in two, else a full block; 0 without such columns.
   */
  private int restWidth(int rest) {
    return rest == 0 ? 0 : rest <= L ? L : rest <= 2 * L ? 2 * L : wide;
  }

  /** Copies {@code cols} columns of {@code rows} rows, rows ldFrom and ldTo apart. */
  private static void copyColumns(float[] from, int fromOff, int ldFrom, float[] to, int toOff,
      int ldTo, int rows, int cols) {
    for (int r = 0; r < rows && cols > 0; r++) {
      System.arraycopy(from, fromOff + r * ldFrom, to, toOff + r * ldTo, cols);
    }
  }

  /**
   * Rows [0, len) of B (row p at b[from + p * n]) into panels: the full block of columns from
   * j at bp[j * stride + p * wide], the last restWidth wide at bp[nWide * stride + p *
   * restWidth]. The last block's lanes past n copy on into B's next row where it has one (a
   * vector copy, not a call per row: 57,600 rows for conv1's weight gradient), else stay as
   * they were. Lanes never mix, and the sums of those lanes go to padding that is dropped.
   */
  private void packPanels(float[] b, int from, int n, int len, int stride, int nWide,
      int restWidth, float[] bp) {
    for (int p = 0; p < len; p++) {
      int row = from + p * n;
      for (int j = 0; j < nWide; j += wide) {
        for (int l = 0, to = j * stride + p * wide; l < wide; l += L) {
          FloatVector.fromArray(S, b, row + j + l).intoArray(bp, to + l);
        }
      }
    }
    int rest = n - nWide;
    for (int p = 0; p < len && rest > 0; p++) {
      int row = from + p * n + nWide;
      int to = nWide * stride + p * restWidth;
      if (row + restWidth <= b.length) {
        for (int l = 0; l < restWidth; l += L) {
          FloatVector.fromArray(S, b, row + l).intoArray(bp, to + l);
        }
      } else {
        System.arraycopy(b, row, bp, to, rest);
      }
    }
  }

  /**
   * Products over lists of nonzeros, and those of fewer than six rows: four rows at a time
   * over the p where any of them is nonzero, then single rows. With lists read often enough
   * (packB, see PACK_READS), B is first packed into panels of the kernels' widths, all of k at
   * once, so a list's p reads one run of a panel instead of a row of B n floats from the next;
   * otherwise B is read in place.
   */
  private void multiplyInPlace(float[] a, int aOff, int rs, int cs, float[] b, int bOff,
      float[] c, int cOff, int m, int k, int n, boolean acc, boolean skip, boolean packB, int kc,
      int kBlocks) {
    int nWide = n - n % wide;
    int rest = n - nWide;
    // The last partial block of columns: restWidth lanes, read in place from B's rows below
    // inPlace, and from rb (row p - inPlace, zero padded) for the rest; C's columns in rc.
    int restWidth = restWidth(rest);
    float[] bs = b;
    if (packB) {
      bs = new float[k * (nWide + restWidth)];
      packPanels(b, bOff, n, k, k, nWide, restWidth, bs);
    }
    int inPlace = rest == 0 || packB ? k
        : Math.max(0, Math.min(k, Math.floorDiv(b.length - bOff - nWide - restWidth, n) + 1));
    float[] rb = new float[(k - inPlace) * restWidth];
    for (int p = inPlace; p < k; p++) {
      System.arraycopy(b, bOff + p * n + nWide, rb, (p - inPlace) * restWidth, rest);
    }
    float[] rc = new float[GROUP * restWidth];
    int[] lists = new int[skip ? MAX_LISTS * k : k];
    int[] starts = new int[MAX_LISTS * (kBlocks + 1)];
    float[] aq = new float[Math.min(m, GROUP) / 4 * 4 * k];
    for (int p = 0; p < k && !skip; p++) {
      lists[p] = p;
    }
    for (int i0 = 0; i0 < m; i0 += GROUP) {
      int rows = Math.min(GROUP, m - i0);
      int quads = rows / 4;
      int nUnits = quads + rows % 4;
      if (skip) {
        collectNonzeros(a, aOff + i0 * rs, rs, cs, rows, k, kc, kBlocks, lists, starts);
      }
      // Quad t's values at aq[4tk + 4i], i its position in its list (from t * k with lists).
      for (int t = 0; t < quads; t++) {
        int base = skip ? t * k : 0;
        int cnt = skip ? starts[t * (kBlocks + 1) + kBlocks] : k;
        packQuad(a, aOff + (i0 + 4 * t) * rs, rs, cs, lists, base, cnt, aq, 4 * (t * k - base));
      }
      for (int j = 0; j < n; j += wide) {
        boolean padded = j == nWide;
        int width = padded ? restWidth / L : vectors;
        int bj = packB ? j * k : bOff + j;
        int ldb = packB ? width * L : n;
        float[] cm = padded ? rc : c;
        int cj = padded ? 0 : cOff + i0 * n + j;
        int ldc = padded ? restWidth : n;
        for (int r = 0; padded && acc && r < rows; r++) {
          System.arraycopy(c, cOff + (i0 + r) * n + j, rc, r * restWidth, rest);
        }
        for (int q = 0; q < kBlocks; q++) {
          boolean add = acc || q > 0;
          for (int t = 0; t < nUnits; t++) {
            int height = t < quads ? 4 : 1;
            int row = t < quads ? 4 * t : rows - nUnits + t;
            int from = skip ? t * k + starts[t * (kBlocks + 1) + q] : q * kc;
            int cnt = skip ? t * k + starts[t * (kBlocks + 1) + q + 1] - from
                : Math.min(kc, k - q * kc);
            int ar = aOff + (i0 + row) * rs;
            int ci = cj + row * ldc;
            // The p past inPlace, at the end of the list, read the copied rows.
            int tail = from + cnt;
            while (padded && tail > from && lists[tail - 1] >= inPlace) {
              tail--;
            }
            int apOff = 4 * (t * k - (skip ? t * k : 0));
            if (height == 4) {
              quad(width, aq, apOff, lists, from, tail - from, bs, bj, ldb, cm, ci, ldc, add);
            } else {
              single(width, a, ar, cs, lists, from, tail - from, bs, bj, ldb, cm, ci, add);
            }
            if (tail < from + cnt && height == 4) {
              quad(width, aq, apOff, lists, tail, from + cnt - tail, rb, -inPlace * restWidth,
                  restWidth, cm, ci, ldc, true);
            } else if (tail < from + cnt) {
              single(width, a, ar, cs, lists, tail, from + cnt - tail, rb, -inPlace * restWidth,
                  restWidth, cm, ci, true);
            }
          }
        }
        for (int r = 0; padded && r < rows; r++) {
          System.arraycopy(rc, r * restWidth, c, cOff + (i0 + r) * n + j, rest);
        }
      }
    }
  }

  /** One six-row kernel of one, two or four vectors of columns, A and B packed. */
  private static void six(int vectors, float[] a, int ap, int from, int end, float[] b, int bj,
      float[] c, int ci, int ldc, boolean add) {
    switch (vectors) {
      case 1 -> VectorKernels.narrow6(a, ap, from, end, b, bj, c, ci, ldc, add);
      case 2 -> VectorKernels.mid6(a, ap, from, end, b, bj, c, ci, ldc, add);
      default -> VectorKernels.wide6(a, ap, from, end, b, bj, c, ci, ldc, add);
    }
  }

  /** One six-row kernel of one, two or four vectors of columns, A's rows in place, B packed. */
  private static void sixRows(int vectors, float[] a, int ar, int rs, int k, float[] b, int bj,
      float[] c, int ci, int ldc, boolean add) {
    switch (vectors) {
      case 1 -> VectorKernels.narrow6Rows(a, ar, rs, k, b, bj, c, ci, ldc, add);
      case 2 -> VectorKernels.mid6Rows(a, ar, rs, k, b, bj, c, ci, ldc, add);
      default -> VectorKernels.wide6Rows(a, ar, rs, k, b, bj, c, ci, ldc, add);
    }
  }

  /**
   * One four-row kernel over the listed p, A packed along the list (the values of list
   * position i at a[ap + 4 * i]); one, two or four vectors of columns.
   */
  private static void quad(int vectors, float[] a, int ap, int[] list, int from, int cnt,
      float[] b, int bj, int ldb, float[] c, int ci, int ldc, boolean add) {
    switch (vectors) {
      case 1 -> VectorKernels.narrow4(a, ap, list, from, cnt, b, bj, ldb, c, ci, ldc, add);
      case 2 -> VectorKernels.mid4(a, ap, list, from, cnt, b, bj, ldb, c, ci, ldc, add);
      default -> VectorKernels.wide4(a, ap, list, from, cnt, b, bj, ldb, c, ci, ldc, add);
    }
  }

  /** One single-row kernel over the listed p, A in place; one, two or four vectors. */
  private static void single(int vectors, float[] a, int ar, int cs, int[] list, int from,
      int cnt, float[] b, int bj, int ldb, float[] c, int ci, boolean add) {
    switch (vectors) {
      case 1 -> VectorKernels.narrow1(a, ar, cs, list, from, cnt, b, bj, ldb, c, ci, add);
      case 2 -> VectorKernels.mid1(a, ar, cs, list, from, cnt, b, bj, ldb, c, ci, add);
      default -> VectorKernels.wide1(a, ar, cs, list, from, cnt, b, bj, ldb, c, ci, add);
    }
  }

  /**
   * Packs four rows of A, A[t][p] = a[ar + t * rs + p * cs], along list positions [from, from
   * + cnt): A[t][list[i]] at ap[apOff + 4 * i + t], so a four-row kernel reads one run in order
   * whatever the p, and once per group instead of once per block of columns.
   */
  private static void packQuad(float[] a, int ar, int rs, int cs, int[] list, int from,
      int cnt, float[] ap, int apOff) {
    for (int i = from, end = from + cnt; i < end; i++) {
      int at = ar + list[i] * cs;
      int to = apOff + 4 * i;
      ap[to] = a[at];
      ap[to + 1] = a[at + rs];
      ap[to + 2] = a[at + 2 * rs];
      ap[to + 3] = a[at + 3 * rs];
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
        int end = Math.min(k, q * kc + kc);
        for (int p = q * kc; p < end; p += L) {
          // L p at once where all four rows are zero (an image's border): nothing to list.
          if (p + L <= end && !FloatVector.fromArray(S, a, a0 + p).abs()
              .max(FloatVector.fromArray(S, a, a1 + p).abs())
              .max(FloatVector.fromArray(S, a, a2 + p).abs())
              .max(FloatVector.fromArray(S, a, a3 + p).abs()).compare(VectorOperators.NE, 0f)
              .anyTrue()) {
            continue;
          }
          for (int e = Math.min(end, p + L), i = p; i < e; i++) {
            lists[out + cnt] = i;
            boolean any = a[a0 + i] != 0f | a[a1 + i] != 0f | a[a2 + i] != 0f | a[a3 + i] != 0f;
            cnt += any ? 1 : 0;
          }
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
        for (int t = 0; t < nLists; ) {
          // Where the rows are adjacent in memory (rs 1), L / 4 quads at once when all their
          // values are zero (an image's border): nothing to list.
          if (rs == 1 && t + L / 4 <= quads && !FloatVector.fromArray(S, a, ap + 4 * t).abs()
              .compare(VectorOperators.NE, 0f).anyTrue()) {
            t += L / 4;
            continue;
          }
          int r0 = ap + (t < quads ? 4 * t : quads * 4 + t - quads) * rs;
          int step = t < quads ? rs : 0;
          lists[t * k + cnt[t]] = p;
          boolean any = a[r0] != 0f | a[r0 + step] != 0f | a[r0 + 2 * step] != 0f
              | a[r0 + 3 * step] != 0f;
          cnt[t] += any ? 1 : 0;
          t++;
        }
      }
    }
    for (int t = 0; t < nLists; t++) {
      starts[t * (kBlocks + 1) + kBlocks] = cnt[t];
    }
  }
}
