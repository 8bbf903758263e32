package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the downloader against a server on 127.0.0.1 that serves the shared MNIST files. */
class MnistDownloaderTest {

  private static Path mnist;

  @TempDir Path tmp;

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  /** Per file name: how the server alters the real bytes before sending them. */
  private final Map<String, UnaryOperator<byte[]>> tamper = new ConcurrentHashMap<>();

  @BeforeAll
  static void findData() {
    mnist = SharedData.mnistDir();
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Serves {@code /mnist/<name>} from the shared folder; anything else is a 404. */
  private URI startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/mnist/", exchange -> {
      requests.incrementAndGet();
      String name = exchange.getRequestURI().getPath().substring("/mnist/".length());
      Path file = mnist.resolve(name);
      if (name.contains("/") || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      byte[] body = tamper.getOrDefault(name, UnaryOperator.identity())
          .apply(Files.readAllBytes(file));
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mnist");
  }

  /** A downloader whose shared folder does not exist, so that it has to download. */
  private MnistDownloader withoutSharedData() {
    return new MnistDownloader(new Configuration(), tmp.resolve("no-shared-data"));
  }

  private List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void downloadsVerifiesAndThenReusesTheCache() throws IOException {
    URI mirror = startServer();
    Path cache = tmp.resolve("cache");
    String dir = withoutSharedData().locate(null, cache, mirror);
    assertEquals(cache.toString(), dir);
    assertEquals(4, requests.get());
    assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"), filesIn(cache));
    for (MnistIdx.StandardFile f : MnistIdx.standardFiles()) {
      assertEquals(f.sha256(), MnistDownloader.sha256(cache.resolve(f.name())));
    }
    assertEquals(10000, MnistIdx.readTest(dir, new Configuration()).rows());

    withoutSharedData().locate(null, cache, mirror);
    assertEquals(4, requests.get(), "files with the right hash must not be fetched again");
  }

  @Test
  void aCachedFileWithTheWrongHashIsReplaced() throws IOException {
    URI mirror = startServer();
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    withoutSharedData().download(cache, mirror);
    Path labels = cache.resolve(MnistIdx.TEST_LABELS.name());
    Files.write(labels, new byte[] {1, 2, 3});
    requests.set(0);
    withoutSharedData().download(cache, mirror);
    assertEquals(1, requests.get());
    assertEquals(MnistIdx.TEST_LABELS.sha256(), MnistDownloader.sha256(labels));
  }

  @Test
  void corruptedDownloadFailsNamingTheHashesAndLeavesNoFile() throws IOException {
    URI mirror = startServer();
    String name = MnistIdx.TRAIN_LABELS.name();
    tamper.put(name, bytes -> {
      bytes[bytes.length / 2] ^= 1;
      return bytes;
    });
    Path cache = tmp.resolve("cache");
    IOException e = assertThrows(IOException.class,
        () -> withoutSharedData().locate("", cache, mirror));
    String msg = e.getMessage();
    assertTrue(msg.startsWith(name + " from " + mirror + "/" + name + ": SHA-256 mismatch"), msg);
    assertTrue(msg.contains("expected " + MnistIdx.TRAIN_LABELS.sha256()), msg);
    assertTrue(msg.matches(".*, got [0-9a-f]{64}"), msg);
    assertFalse(msg.endsWith(MnistIdx.TRAIN_LABELS.sha256()), msg);
    // The train images came first and are complete; nothing of the labels may remain.
    assertEquals(List.of(MnistIdx.TRAIN_IMAGES.name()), filesIn(cache));
  }

  @Test
  void httpErrorFailsWithTheStatusAndLeavesNoFile() throws IOException {
    URI mirror = startServer().resolve("/missing/");
    Path cache = tmp.resolve("cache");
    IOException e = assertThrows(IOException.class,
        () -> withoutSharedData().locate(null, cache, mirror));
    assertEquals("GET " + mirror + MnistIdx.TRAIN_IMAGES.name() + ": HTTP 404", e.getMessage());
    assertEquals(List.of(), filesIn(cache));
  }

  @Test
  void aConfiguredDirectoryWithTheFilesWinsAndNothingIsDownloaded() throws IOException {
    URI mirror = startServer();
    String configured = mnist.toUri().toString();
    assertEquals(configured, withoutSharedData().locate(configured, tmp.resolve("c"), mirror));
    assertEquals(0, requests.get());
    assertFalse(Files.exists(tmp.resolve("c")));
  }

  @Test
  void aConfiguredFolderWithoutTheFilesFailsNamingItAndTheFilesAndNothingReplacesIt()
      throws IOException {
    URI mirror = startServer();
    Path incomplete = Files.createDirectories(tmp.resolve("incomplete"));
    Files.copy(mnist.resolve(MnistIdx.TEST_LABELS.name()),
        incomplete.resolve(MnistIdx.TEST_LABELS.name()));
    // Other names than the standard ones are not MNIST files either.
    Files.copy(mnist.resolve(MnistIdx.TRAIN_IMAGES.name()), incomplete.resolve("train.gz"));
    MnistDownloader d = new MnistDownloader(new Configuration(), mnist);
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> d.locate(incomplete.toString(), tmp.resolve("c"), mirror));
    assertEquals(incomplete + " holds neither train-images-idx3-ubyte.gz nor "
        + "train-images-idx3-ubyte: an MNIST folder holds the four files "
        + "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
        + "t10k-labels-idx1-ubyte.gz, each gzipped or not", e.getMessage());
    assertEquals(0, requests.get());
    assertThrows(InvalidDataException.class,
        () -> d.locate(tmp.resolve("nowhere").toString(), tmp.resolve("c"), mirror));
    assertFalse(Files.exists(tmp.resolve("c")));
  }

  @Test
  void uncompressedFilesUnderTheStandardNamesAreRead() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    for (MnistIdx.StandardFile f : MnistIdx.standardFiles()) {
      String name = f.name().substring(0, f.name().length() - 3);
      try (InputStream in = new GZIPInputStream(Files.newInputStream(mnist.resolve(f.name())))) {
        Files.copy(in, plain.resolve(name));
      }
    }
    MnistDownloader d = new MnistDownloader(new Configuration(), tmp.resolve("no-shared"));
    String dir = d.locate(plain.toString(), tmp.resolve("c"), URI.create("http://127.0.0.1:9/"));
    assertEquals(plain.toString(), dir);
    LabeledData unpacked = MnistIdx.readTest(dir, new Configuration());
    LabeledData packed = MnistIdx.readTest(mnist.toString(), new Configuration());
    assertArrayEquals(packed.features(), unpacked.features());
    assertArrayEquals(packed.labels(), unpacked.labels());
  }
}
