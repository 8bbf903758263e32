package org.sparsevd.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import breeze.generic.UFunc;
import breeze.linalg.DenseMatrix;
import breeze.linalg.operators.HasOps$;
import breeze.linalg.operators.OpMulMatrix$;
import dev.ludovic.netlib.blas.BLAS;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.math.MatMul;

/**
 * Times {@link MatMul} on the LeNet-300-100 shapes and those of LeNet-5's conv2 per weight,
 * single-threaded, and writes the median of each case as JSON (first argument, default {@code
 * target/bench/matmul.json}) and to stdout, next to the core's FMA rate on registers alone
 * ({@link FmaPeak}), the ceiling for any kernel.
 *
 * <p>Wall time is the headline number; the thread's CPU time is reported next to it because
 * on a shared machine a descheduled thread inflates wall time but not CPU time.
 *
 * <p>Each forward product is also timed through Breeze ({@code breeze.linalg.DenseMatrix}
 * multiplication, on the classpath through Spark MLlib), the linear algebra Spark itself uses,
 * on the same arrays: the reference the engine's own kernels are measured against. Breeze
 * hands the product to netlib's {@code sgemm}, whose implementation (native, or a pure-JVM
 * fallback without a native BLAS) the JSON names, and allocates its result on every call.
 *
 * <p>Run with {@code jobs/bench.sh matmul [OUT.json]}; add {@code -Dsparsevd.kernels=scalar}
 * (through {@code SPARSEVD_JAVA_OPTS}) for the fallback.
 */
public final class MatMulBench {

  private static final int WARMUP_SECONDS = 2;
  private static final int REPETITIONS = 21;
  /** Each timed repetition runs the kernel often enough to last about this long. */
  private static final long MIN_REPETITION_NANOS = 20_000_000L;

  /** SCALED_PAIR: {@link MatMul#gemmNTScaledPlusNT}, two products of the case's shape. */
  private enum Kind { GEMM, GEMM_TN, GEMM_NT, SCALED_PAIR, BREEZE_GEMM }

  /** Breeze's float matrix product, the implicit a Scala caller of {@code a * b} gets. */
  private static final UFunc.UImpl2<OpMulMatrix$, DenseMatrix<Object>, DenseMatrix<Object>,
      DenseMatrix<Object>> BREEZE_MUL = HasOps$.MODULE$.impl_OpMulMatrix_DM_DM_eq_DM_Float();

  /** One product: C[m x n] from a left operand with k columns (or rows, for TN). */
  private record Case(Kind kind, int m, int k, int n, double zeroFraction) {
    String label() {
      return String.format(Locale.ROOT, "%s %dx%dx%d zeros=%.0f%%", kind, m, k, n,
          zeroFraction * 100);
    }
  }

  static final JobCommand COMMAND = Timing.command("matmul", "target/bench/matmul.json");

  private MatMulBench() {
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(COMMAND.parseMain(args).get("OUT"));
    // The ceiling for the kernels: FMAs on registers alone, no loads (0 without the vector API).
    double peak = MatMul.isVectorized() ? FmaPeak.gflops() : 0;
    System.err.printf(Locale.ROOT, "FMA peak, registers only: %.1f GFLOP/s%n", peak);
    List<Case> cases = new ArrayList<>();
    for (int batch : new int[] {100, 1000}) {
      for (double zeros : new double[] {0.0, 0.8}) {
        for (int[] layer : new int[][] {{784, 300}, {300, 100}, {100, 10}}) {
          cases.add(new Case(Kind.GEMM, batch, layer[0], layer[1], zeros));
          cases.add(new Case(Kind.BREEZE_GEMM, batch, layer[0], layer[1], zeros));
        }
        // Weight gradient X^T * G: A is the stored batch x 784 input.
        cases.add(new Case(Kind.GEMM_TN, 784, batch, 300, zeros));
      }
      // Input gradients G * W^T.
      cases.add(new Case(Kind.GEMM_NT, batch, 100, 300, 0.0));
      cases.add(new Case(Kind.GEMM_NT, batch, 10, 100, 0.0));
    }
    // LeNet-5's conv2 per weight at batch 100 (6,400 patch rows of 500, 50 filters, half-zero
    // inputs): forward, weight gradient X^T dY, one input gradient product, and the input
    // gradient's two products in one pass, dense and with the zeros max pooling leaves in dY.
    cases.add(new Case(Kind.GEMM, 6400, 500, 50, 0.5));
    cases.add(new Case(Kind.GEMM_TN, 500, 6400, 50, 0.5));
    cases.add(new Case(Kind.GEMM_NT, 6400, 50, 500, 0.0));
    cases.add(new Case(Kind.SCALED_PAIR, 6400, 50, 500, 0.0));
    cases.add(new Case(Kind.SCALED_PAIR, 6400, 50, 500, 0.75));
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"implementation\": \"").append(MatMul.implementationName())
        .append("\",\n  \"breezeBlas\": \"")
        .append(BLAS.getInstance().getClass().getName())
        .append("\",\n  \"repetitions\": ").append(REPETITIONS)
        .append(",\n  \"results\": [\n");
    for (int i = 0; i < cases.size(); i++) {
      Case cs = cases.get(i);
      double[] nanos = medianNanos(cs);
      double flops = (cs.kind() == Kind.SCALED_PAIR ? 4.0 : 2.0) * cs.m() * cs.k() * cs.n();
      System.err.printf(Locale.ROOT, "%-36s %10.1f us %8.2f GFLOP/s (cpu %8.2f)%n",
          cs.label(), nanos[0] / 1e3, flops / nanos[0], flops / nanos[1]);
      json.append(String.format(Locale.ROOT,
          "    {\"kernel\": \"%s\", \"m\": %d, \"k\": %d, \"n\": %d, \"zeroFraction\": %.2f, "
              + "\"medianMicros\": %.2f, \"gflops\": %.2f, \"medianCpuMicros\": %.2f, "
              + "\"cpuGflops\": %.2f%s}%s%n",
          cs.kind().name().toLowerCase(Locale.ROOT).replace("_", ""), cs.m(), cs.k(), cs.n(),
          cs.zeroFraction(), nanos[0] / 1e3, flops / nanos[0], nanos[1] / 1e3,
          flops / nanos[1], cs.kind() == Kind.BREEZE_GEMM
              ? String.format(Locale.ROOT, ", \"maxAbsDiffFromEngine\": %.3g", breezeDifference(cs))
              : "",
          i + 1 < cases.size() ? "," : ""));
    }
    json.append("  ]\n}\n");
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(out, json, StandardCharsets.UTF_8);
    System.out.print(json);
  }

  /**
   * Median wall and CPU time of one call, over REPETITIONS timed batches after a warm-up.
   */
  private static double[] medianNanos(Case cs) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    SplittableRandom rnd = new SplittableRandom(42);
    int aLen = cs.m() * cs.k();
    float[] a = random(rnd, aLen, cs.zeroFraction());
    float[] b = random(rnd, cs.k() * cs.n(), 0.0);
    float[] c = new float[cs.m() * cs.n()];
    float[] x = random(rnd, cs.m() * cs.n(), 0.0);
    long warmupEnd = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
    int calls = 0;
    long start = System.nanoTime();
    while (System.nanoTime() < warmupEnd) {
      run(cs, a, b, c, x);
      calls++;
    }
    double perCall = (System.nanoTime() - start) / (double) calls;
    int inner = (int) Math.max(1, MIN_REPETITION_NANOS / perCall);
    double[] wall = new double[REPETITIONS];
    double[] cpu = new double[REPETITIONS];
    for (int r = 0; r < REPETITIONS; r++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < inner; i++) {
        run(cs, a, b, c, x);
      }
      wall[r] = (System.nanoTime() - t0) / (double) inner;
      cpu[r] = (threads.getCurrentThreadCpuTime() - c0) / (double) inner;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    return new double[] {wall[REPETITIONS / 2], cpu[REPETITIONS / 2]};
  }

  private static void run(Case cs, float[] a, float[] b, float[] c, float[] x) {
    switch (cs.kind()) {
      case GEMM -> MatMul.gemm(a, 0, b, 0, c, 0, cs.m(), cs.k(), cs.n(), false);
      case GEMM_TN -> MatMul.gemmTN(a, 0, b, 0, c, 0, cs.m(), cs.k(), cs.n(), false);
      case GEMM_NT -> MatMul.gemmNT(a, 0, b, 0, c, 0, cs.m(), cs.k(), cs.n(), false);
      case SCALED_PAIR -> MatMul.gemmNTScaledPlusNT(a, b, x, 2f, a, b, c, cs.m(), cs.k(),
          cs.n());
      case BREEZE_GEMM -> breezeGemm(a, b, cs.m(), cs.k(), cs.n());
      default -> throw new IllegalStateException(cs.kind().name());
    }
  }

  /** Largest |C_breeze - C_engine| on the case's operands: both compute the same product. */
  private static double breezeDifference(Case cs) {
    SplittableRandom rnd = new SplittableRandom(42);
    float[] a = random(rnd, cs.m() * cs.k(), cs.zeroFraction());
    float[] b = random(rnd, cs.k() * cs.n(), 0.0);
    float[] engine = new float[cs.m() * cs.n()];
    MatMul.gemm(a, 0, b, 0, engine, 0, cs.m(), cs.k(), cs.n(), false);
    float[] breeze = breezeGemm(a, b, cs.m(), cs.k(), cs.n());
    double max = 0;
    for (int i = 0; i < engine.length; i++) {
      max = Math.max(max, Math.abs(engine[i] - breeze[i]));
    }
    return max;
  }

  /**
   * C = A * B through Breeze, without copies: Breeze is column-major, so the row-major arrays
   * are read as B^T (n x k) and A^T (k x m), and their product C^T (n x m, column-major) is C
   * row-major.
   */
  private static float[] breezeGemm(float[] a, float[] b, int m, int k, int n) {
    DenseMatrix<Object> bt = new DenseMatrix<>(n, k, b);
    DenseMatrix<Object> at = new DenseMatrix<>(k, m, a);
    return (float[]) BREEZE_MUL.apply(bt, at).data();
  }

  /** Uniform values in [-1, 1), each replaced by zero with probability zeroFraction. */
  private static float[] random(SplittableRandom rnd, int len, double zeroFraction) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = rnd.nextDouble() < zeroFraction ? 0f : (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }
}
