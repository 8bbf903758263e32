package org.sparsevd.spark.data;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.LabeledData;
import org.sparsevd.spark.data.RowParser.Chunk;
import scala.Tuple2;

/**
 * LibSVM text, parsed here line by line so that every fault names its file and physical line
 * (1-based, blank and {@code #} comment lines counted): a token without a colon, an index that
 * is not a whole number, is 0, repeats or descends, or lies beyond the feature count, a value
 * that is not a number or is NaN or infinite, a label that is not a whole class number.
 *
 * <p>Files are read in Hadoop's line splits (compressed files whole). A split's first line
 * number is the count of lines in the splits of its file before it, so two passes: the first
 * counts each split's lines and rows and finds its faults by their line within the split (and
 * the largest index, when the feature count is not given); the driver numbers the lines and
 * fails on the first fault in file order, or drops and counts the faulty rows when skipping;
 * the second builds each split's block.
 */
final class LibSvmText {
  private LibSvmText() {}

  /** What the first pass learned of one split. */
  private record SplitCount(String file, long lines, long rows, long skipped,
      List<Fault> faults, int maxIndex) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A faulty row: its line within the split (from 0) and what is wrong. */
  private record Fault(long line, String problem) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A line that is not a usable row; stackless because skipping may throw it often. */
  private static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The second pass, not run yet, and what the first one found.
   *
   * @param chunks one block of the valid rows per split
   * @param rows the valid rows of each split
   * @param skipped rows dropped (only when skipping)
   * @param reasons the first reasons, each naming file and line
   * @param cols the feature count: the one given, else the largest index
   */
  record Scan(JavaRDD<Chunk> chunks, long[] rows, long skipped, List<String> reasons,
      int cols) {}

  static Scan scan(SparkSession spark, DataSource src) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JobConf conf = new JobConf(sc.hadoopConfiguration());
    FileInputFormat.setInputPaths(conf, files(src.path(), conf));
    @SuppressWarnings("unchecked")
    JavaHadoopRDD<LongWritable, Text> text = (JavaHadoopRDD<LongWritable, Text>) sc.hadoopRDD(
        conf, TextInputFormat.class, LongWritable.class, Text.class);
    int given = src.numFeatures();
    int classes = src.numClasses();
    List<SplitCount> counts = text.mapPartitionsWithInputSplit((split, lines) ->
        List.of(count(split, lines, given, classes)).iterator(), true).collect();

    long[] rows = new long[counts.size()];
    long skipped = 0;
    int maxIndex = 0;
    List<String> reasons = new ArrayList<>();
    String file = null;
    long firstLine = 0;
    for (int i = 0; i < counts.size(); i++) {
      SplitCount c = counts.get(i);
      firstLine = c.file().equals(file) ? firstLine : 0;
      file = c.file();
      for (Fault f : c.faults()) {
        String reason = file + " line " + (firstLine + f.line() + 1) + ": " + f.problem();
        if (!src.skipInvalid()) {
          throw new InvalidDataException(reason);
        }
        if (reasons.size() < LabeledData.MAX_REPORTED_REASONS) {
          reasons.add(reason);
        }
      }
      firstLine += c.lines();
      rows[i] = c.rows();
      skipped += c.skipped();
      maxIndex = Math.max(maxIndex, c.maxIndex());
    }
    int cols = given > 0 ? given : maxIndex;
    if (Arrays.stream(rows).sum() > 0 && cols == 0) {
      throw new InvalidDataException(src.path() + ": no row has a feature, so the number of "
          + "features is unknown; set numFeatures");
    }
    JavaRDD<Chunk> chunks = text.mapPartitionsWithInputSplit((split, lines) ->
        List.of(build(lines, cols, classes)).iterator(), true);
    return new Scan(chunks, rows, skipped, reasons, cols);
  }

  /** The files under {@code path} (itself, or the visible files of a folder), sorted by name. */
  private static Path[] files(String path, JobConf conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] found = fs.globStatus(p);
      if (found == null || found.length == 0) {
        throw new InvalidDataException(path + ": no such file or folder");
      }
      List<Path> out = new ArrayList<>();
      for (FileStatus s : found) {
        for (FileStatus f : s.isDirectory() ? fs.listStatus(s.getPath()) : new FileStatus[] {s}) {
          String name = f.getPath().getName();
          if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
            out.add(f.getPath());
          }
        }
      }
      out.sort(null);
      if (out.isEmpty()) {
        throw new InvalidDataException(path + ": no rows");
      }
      return out.toArray(new Path[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
  }

  private static SplitCount count(InputSplit split, Iterator<Tuple2<LongWritable, Text>> lines,
                                  int numFeatures, int classes) {
    FileSplit fs = (FileSplit) split;
    int width = numFeatures > 0 ? numFeatures : Integer.MAX_VALUE;
    long line = 0;
    long rows = 0;
    long skipped = 0;
    int maxIndex = 0;
    List<Fault> faults = new ArrayList<>();
    for (; next(lines, fs, line); line++) {
      String s = lines.next()._2().toString().strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      try {
        label(s, classes);
        maxIndex = Math.max(maxIndex, features(s, width, null, 0));
        rows++;
      } catch (BadLine bad) {
        skipped++;
        if (faults.size() < LabeledData.MAX_REPORTED_REASONS) {
          faults.add(new Fault(line, bad.getMessage()));
        }
      }
    }
    return new SplitCount(fs.getPath().toString(), line, rows, skipped, faults, maxIndex);
  }

  /**
   * Whether the split has another line. A file that cannot be read on (a compressed stream cut
   * short) fails whole, even when skipping rows: there is no row to skip.
   */
  private static boolean next(Iterator<Tuple2<LongWritable, Text>> lines, FileSplit split,
                              long line) {
    try {
      return lines.hasNext();
    } catch (Exception e) {
      // Hadoop's reader throws IOException through Spark's iterator, undeclared.
      InvalidDataException failure = new InvalidDataException(split.getPath() + ": unreadable "
          + "after " + line + " lines of the split at byte " + split.getStart() + ": "
          + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private static Chunk build(Iterator<Tuple2<LongWritable, Text>> lines, int cols,
                             int classes) {
    float[] x = new float[cols * 256];
    int[] y = new int[256];
    int n = 0;
    long skipped = 0;
    while (lines.hasNext()) {
      String s = lines.next()._2().toString().strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      if (n == y.length) {
        y = Arrays.copyOf(y, 2 * n);
        x = Arrays.copyOf(x, 2 * n * cols);
      }
      try {
        y[n] = label(s, classes);
        features(s, cols, x, n * cols);
        n++;
      } catch (BadLine bad) {
        skipped++;
      }
    }
    DataBlock block = new DataBlock(0, cols, Arrays.copyOf(x, n * cols), Arrays.copyOf(y, n));
    return new Chunk(block, skipped, List.of());
  }

  /**
   * Checks the features of one non-blank line and, unless {@code x} is null, writes them to
   * {@code x[off, off + width)}.
   *
   * @return the largest index of the line (0 without features)
   */
  private static int features(String s, int width, float[] x, int off) throws BadLine {
    String[] tokens = s.split("\\s+");
    if (x != null) {
      Arrays.fill(x, off, off + width, 0f);
    }
    int last = 0;
    for (int k = 1; k < tokens.length; k++) {
      String t = tokens[k];
      int colon = t.indexOf(':');
      if (colon < 0) {
        throw new BadLine("token '" + t + "' is not INDEX:VALUE");
      }
      int index;
      try {
        index = Integer.parseInt(t.substring(0, colon));
      } catch (NumberFormatException e) {
        throw new BadLine("index '" + t.substring(0, colon) + "' is not a whole number");
      }
      if (index < 1) {
        throw new BadLine("index " + index + ": LibSVM indices start at 1");
      }
      if (index == last) {
        throw new BadLine("index " + index + " appears twice");
      }
      if (index < last) {
        throw new BadLine("index " + index + " after " + last + ": indices must ascend");
      }
      if (index > width) {
        throw new BadLine("index " + index + " beyond the " + width + " features");
      }
      String v = t.substring(colon + 1);
      double value;
      try {
        value = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new BadLine("value '" + v + "' of index " + index + " is not a number");
      }
      if (!Double.isFinite(value) || !Float.isFinite((float) value)) {
        throw new BadLine("index " + index + ": value " + v + " is not a finite float");
      }
      if (x != null) {
        x[off + index - 1] = (float) value;
      }
      last = index;
    }
    return last;
  }

  /** The class named by a line's first token. */
  private static int label(String s, int classes) throws BadLine {
    int end = 0;
    while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
      end++;
    }
    String t = s.substring(0, end);
    double d;
    try {
      d = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new BadLine("label '" + t + "' is not a number");
    }
    if (d != Math.rint(d)) {
      throw new BadLine("label " + t + " is not a whole class number");
    }
    if (d < 0 || d >= classes) {
      throw new BadLine("label " + t + " outside [0, " + classes + ")");
    }
    return (int) d;
  }
}
