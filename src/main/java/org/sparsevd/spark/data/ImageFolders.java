package org.sparsevd.spark.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparsevd.data.InvalidDataException;

/**
 * Labelled image folders, {@code ROOT/CLASS/IMAGE}, listed through the Hadoop {@code FileSystem}
 * API (local, HDFS, S3 alike). The classes are the sorted names of the root's subfolders, as
 * torchvision's {@code ImageFolder} orders them, and a class's label is its place in that order.
 * A class's images are the files below its folder (subfolders too) whose extension is one of
 * {@link #EXTENSIONS}, in any case; other files are ignored, and so are hidden files and
 * folders (names starting with '.' or '_', which Spark's file sources skip as well).
 */
public final class ImageFolders {
  /** The file extensions read as images. */
  public static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "gif");

  private ImageFolders() {}

  /**
   * The class folders of {@code root}, sorted.
   *
   * @throws InvalidDataException if {@code root} is not a folder or has no class folder
   * @throws UncheckedIOException if it cannot be listed
   */
  public static List<String> classes(String root, Configuration conf) {
    List<String> classes = new ArrayList<>();
    for (FileStatus s : list(new Path(root), conf, root + ": no such folder")) {
      if (s.isDirectory() && !hidden(s.getPath())) {
        classes.add(s.getPath().getName());
      }
    }
    if (classes.isEmpty()) {
      throw new InvalidDataException(root + ": no class folders; expected ROOT/CLASS/IMAGE files");
    }
    classes.sort(null);
    return classes;
  }

  /**
   * @throws InvalidDataException naming both roots and the first class (in sorted order) that
   *     only one of them has
   */
  public static void requireSameClasses(String root, List<String> classes, String trainRoot,
                                        List<String> trainClasses) {
    String d = difference(classes, root, trainClasses, trainRoot);
    if (d != null) {
      throw new InvalidDataException(root + ": its class folders differ from those of the "
          + "training data " + trainRoot + ": " + d);
    }
  }

  /**
   * The first class only one list has, as "'cat' is in A only", or null if they are equal.
   */
  static String difference(List<String> a, String aName, List<String> b, String bName) {
    TreeSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    for (String c : all) {
      if (!a.contains(c) || !b.contains(c)) {
        return "'" + c + "' is in " + (a.contains(c) ? aName : bName) + " only";
      }
    }
    return null;
  }

  /**
   * The image files of each class, each class's sorted by path ({@link ImageScan#interleaved}
   * makes the row order of them).
   *
   * @throws InvalidDataException if the root's class folders are not {@code classes}, or a
   *     class folder holds no image file
   */
  static List<List<Path>> files(String root, List<String> classes, Configuration conf) {
    String d = difference(classes(root, conf), root, classes, "the expected classes");
    if (d != null) {
      throw new InvalidDataException(root + ": its class folders are not the expected classes "
          + classes + ": " + d);
    }
    List<List<Path>> files = new ArrayList<>();
    for (String c : classes) {
      Path dir = new Path(root, c);
      List<Path> found = new ArrayList<>();
      walk(dir, conf, found);
      if (found.isEmpty()) {
        throw new InvalidDataException(dir + ": no image files (" + String.join(", ", EXTENSIONS)
            + ") in the folder of class '" + c + "'");
      }
      found.sort(null);
      files.add(found);
    }
    return files;
  }

  /**
   * The glob of image file names for Spark's {@code pathGlobFilter}, every extension in any case:
   * {@code *.{[jJ][pP][gG],...}}.
   */
  static String glob() {
    return EXTENSIONS.stream().map(e -> e.chars()
            .mapToObj(ch -> "[" + (char) ch + Character.toUpperCase((char) ch) + "]")
            .collect(Collectors.joining()))
        .collect(Collectors.joining(",", "*.{", "}"));
  }

  private static void walk(Path dir, Configuration conf, List<Path> found) {
    for (FileStatus s : list(dir, conf, dir + ": no such folder")) {
      Path p = s.getPath();
      if (hidden(p)) {
        continue;
      }
      if (s.isDirectory()) {
        walk(p, conf, found);
      } else if (isImage(p.getName())) {
        found.add(p);
      }
    }
  }

  private static FileStatus[] list(Path dir, Configuration conf, String missing) {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.getFileStatus(dir).isDirectory()) {
        throw new InvalidDataException(dir + ": not a folder; expected ROOT/CLASS/IMAGE files");
      }
      return fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      throw new InvalidDataException(missing);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean hidden(Path p) {
    return p.getName().startsWith(".") || p.getName().startsWith("_");
  }

  private static boolean isImage(String name) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
