package org.sparsevd.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a directory holding the four MNIST files ({@link MnistIdx#standardFiles()}), downloading
 * them only as a last resort.
 *
 * <p>Order of search in {@link #locate}: the configured directory (any Hadoop path), then the
 * shared data folder of the checkout ({@link #DEFAULT_SHARED_DIR}, relative to the working
 * directory), then a local cache filled from a mirror. Downloads go to a temporary name in the
 * cache and are renamed into place only after their SHA-256 matches the published one, so an
 * interrupted or corrupted transfer never leaves a file that looks complete.
 *
 * <p>The default mirror is {@link #DEFAULT_MIRROR} (the copy PyTorch's torchvision uses). The
 * classic location, {@code http://yann.lecun.com/exdb/mnist/}, serves the same files under the
 * same names and can be passed as the mirror, but it has often refused automated downloads.
 */
public final class MnistDownloader {

  /** The mirror used when the caller names none. */
  public static final URI DEFAULT_MIRROR =
      URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/");
  /** Where a checkout keeps the shared data, relative to the project directory. */
  public static final Path DEFAULT_SHARED_DIR = Path.of("..", "shared", "data", "mnist");
  /** How long to wait for a connection and for the response headers of each file. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(MnistDownloader.class);

  private final Configuration conf;
  private final Path sharedDir;
  private final HttpClient http;

  /**
   * Searches {@link #DEFAULT_SHARED_DIR} and resolves configured directories with a default
   * Hadoop configuration.
   */
  public MnistDownloader() {
    this(new Configuration(), DEFAULT_SHARED_DIR);
  }

  /**
   * @param conf resolves the file system of a configured directory
   * @param sharedDir the second place searched, before downloading
   */
  public MnistDownloader(Configuration conf, Path sharedDir) {
    this.conf = Objects.requireNonNull(conf, "conf");
    this.sharedDir = Objects.requireNonNull(sharedDir, "sharedDir");
    this.http = HttpClient.newBuilder()
        .connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /** {@link #locate(String, Path, URI)} with {@link #DEFAULT_MIRROR}. */
  public String locate(String configuredDir, Path cacheDir) throws IOException {
    return locate(configuredDir, cacheDir, DEFAULT_MIRROR);
  }

  /**
   * @param configuredDir a Hadoop path holding the four files (gzipped or not), used as it is;
   *     null or empty: the shared copy, else a download
   * @param cacheDir the local directory downloads go to (created if missing)
   * @param mirror the base URL the file names are resolved against
   * @return the directory to read the files from, as a Hadoop path string
   * @throws InvalidDataException if {@code configuredDir} lacks one of the files
   * @throws IOException if the files have to be downloaded and a download fails or its
   *     checksum does not match
   */
  public String locate(String configuredDir, Path cacheDir, URI mirror) throws IOException {
    if (configuredDir != null && !configuredDir.isBlank()) {
      // A folder the user named is the data or an error, never replaced by another copy.
      MnistIdx.requireAll(configuredDir, conf);
      return configuredDir;
    }
    if (standardFilesIn(sharedDir)) {
      return sharedDir.toAbsolutePath().normalize().toString();
    }
    return download(cacheDir, mirror).toString();
  }

  /**
   * Makes sure {@code cacheDir} holds the four files with their published checksums, fetching
   * only those that are missing or differ.
   *
   * @return {@code cacheDir}
   */
  public Path download(Path cacheDir, URI mirror) throws IOException {
    Files.createDirectories(cacheDir);
    URI base = mirror.getPath().endsWith("/") ? mirror : URI.create(mirror + "/");
    for (MnistIdx.StandardFile file : MnistIdx.standardFiles()) {
      Path target = cacheDir.resolve(file.name());
      if (Files.isRegularFile(target)) {
        String actual = sha256(target);
        if (actual.equals(file.sha256())) {
          continue;
        }
        LOG.warn("{}: SHA-256 {}, expected {}; downloading it again", target, actual,
            file.sha256());
      }
      fetch(base.resolve(file.name()), file, target);
    }
    return cacheDir;
  }

  private void fetch(URI uri, MnistIdx.StandardFile file, Path target) throws IOException {
    LOG.info("downloading {} to {}", uri, target);
    Path temp = Files.createTempFile(target.getParent(), file.name() + ".", ".part");
    boolean moved = false;
    try {
      HttpResponse<InputStream> response = http.send(
          HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      String actual;
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException("GET " + uri + ": HTTP " + response.statusCode());
        }
        actual = copyHashing(body, temp);
      }
      if (!actual.equals(file.sha256())) {
        throw new IOException(file.name() + " from " + uri + ": SHA-256 mismatch, expected "
            + file.sha256() + ", got " + actual);
      }
      // Same directory, so the rename is atomic: readers see no file or the whole verified one.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading " + uri);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static boolean standardFilesIn(Path dir) {
    return MnistIdx.standardFiles().stream()
        .allMatch(f -> Files.isRegularFile(dir.resolve(f.name())));
  }

  /** @return the lowercase hex SHA-256 of a local file */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return copyHashing(in, null);
    }
  }

  /** Copies {@code in} to {@code out} (or nowhere if null) and returns the SHA-256 of the bytes. */
  private static String copyHashing(InputStream in, Path out) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
    try (DigestInputStream hashing = new DigestInputStream(in, digest);
        OutputStream sink = out == null ? OutputStream.nullOutputStream()
            : Files.newOutputStream(out)) {
      hashing.transferTo(sink);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
