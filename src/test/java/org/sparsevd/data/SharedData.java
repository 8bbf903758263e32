package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The read-only MNIST folder the build points tests at (system property {@value #PROPERTY}). */
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
}
