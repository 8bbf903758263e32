package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The train job, run as a user runs it, on broken input of each format: it ends with exit status
 * 3 and its last line naming the file and the row or line (no uncaught exception), and writes
 * no model. The whole corpus goes through the same path in one JVM ({@link
 * BrokenInputCorpusTest}); this test is the separate process and its exit status.
 */
class InvalidDataExitTest {
  @TempDir Path tmp;

  private void expectExit(String name, String expected, String... keys) throws Exception {
    Path out = tmp.resolve("out-" + name);
    List<String> args = new ArrayList<>(List.of("--output", out.toString(), "--epochs", "1",
        "--layers", "vd(4) | relu | vd(3)", "--data.num_classes", "3", "--partitions", "1"));
    args.addAll(List.of(keys));
    try (DriverProcess d = DriverProcess.start(tmp.resolve(name + ".log"),
        Train.class.getName(), args)) {
      assertEquals(JobCommand.EXIT_INVALID_DATA, d.await(), d.output());
      String output = d.output();
      String[] lines = output.strip().split("\n");
      // Spark's own log may show the failed task's trace; the job ends on its message.
      assertTrue(lines[lines.length - 1].startsWith("invalid data: " + expected), output);
      assertFalse(output.contains("Exception in thread"), output);
    }
    assertFalse(Files.exists(out.resolve("model")), "no model may be written");
  }

  @Test
  void brokenLibSvmCsvParquetAndMnistFolderEndWithTheirMessageAndStatus3() throws Exception {
    Path libsvm = tmp.resolve("bad.libsvm");
    Files.writeString(libsvm, "# comment\n1 1:2 2:3\n2 3:1 1:1\n");
    expectExit("libsvm", "file:" + libsvm + " line 3: index 1 after 3: indices must ascend",
        "--data.format", "libsvm", "--data.train", libsvm.toString());

    Path csv = tmp.resolve("bad.csv");
    Files.writeString(csv, "label,a,b\n0,1,2\n1,x,3\n");
    expectExit("csv", csv.toUri() + " row 1: column 'a': 'x' is not a number",
        "--data.format", "csv", "--data.train", csv.toString());

    // Spark's own reader fails on it: a file fault, named as ours are.
    Path parquet = Files.createDirectories(tmp.resolve("parquet"));
    Path cut = Files.writeString(parquet.resolve("part-0.parquet"), "PAR1 and no footer");
    expectExit("parquet", "file:" + cut + ": cannot be read: file:" + cut + " is not a Parquet "
        + "file", "--data.format", "parquet", "--data.train", parquet.toString());

    Path empty = Files.createDirectories(tmp.resolve("no-mnist"));
    expectExit("mnist", empty + " holds neither train-images-idx3-ubyte.gz",
        "--data.format", "mnist", "--data.dir", empty.toString(), "--data.num_classes", "10",
        "--layers", "vd(4) | relu | vd(10)");
  }
}
