package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only data folders the build points tests at (system property {@value #PROPERTY}).
 */
public final class SharedData {

  static final String PROPERTY = "sparsevd.shared.data";

  private SharedData() {}

  /** @return the folder with the four MNIST .gz files; fails the test if it is not there */
  public static Path mnistDir() {
    String root = System.getProperty(PROPERTY);
    assertTrue(root != null, "system property " + PROPERTY + " is not set (see the pom)");
    Path dir = Path.of(root, "mnist").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(dir.resolve(MnistIdx.TRAIN_IMAGES.name())),
        "no MNIST files in " + dir);
    return dir;
  }

  /**
   * @return the CIFAR-10 JPEG folder (train/CLASS/*.jpg, test/CLASS/*.jpg); where it is absent
   *     the calling test is skipped, not failed: unlike MNIST it is not needed by the build
   */
  public static Path cifarDir() {
    String root = System.getProperty(PROPERTY);
    Path dir = root == null ? null : Path.of(root, "cifar10-jpeg").toAbsolutePath().normalize();
    assumeTrue(dir != null && Files.isDirectory(dir.resolve("train")),
        "no CIFAR-10 folder at " + dir);
    return dir;
  }
}
