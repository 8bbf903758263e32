package org.sparsevd.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a page in a real headless Chromium and reports what a reader would meet: console
 * errors, uncaught exceptions, failed loads, and each image's natural width. Talks to the
 * browser over the DevTools protocol (a WebSocket, here java.net.http's client).
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final long TIMEOUT_SECONDS = 60;

  /** What loading a page showed. */
  record PageCheck(List<String> errors, Map<String, Integer> imageWidths) {}

  private final Process process;
  private final Path profile;
  private WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
  private final List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

  /** The browser binary on PATH, if any (Debian's package installs {@code chromium}). */
  static Optional<Path> find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  HeadlessChromium(Path binary) throws Exception {
    profile = Files.createTempDirectory("chromium-profile");
    // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
    process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      socket = connect();
      for (String domain : List.of("Runtime", "Log", "Page")) {
        call(domain + ".enable", JSON.createObjectNode());
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** Finds the browser's page target and opens a WebSocket to it. */
  private WebSocket connect() throws Exception {
    String browserUrl = browserUrl();
    URI http = URI.create(browserUrl.replaceFirst("^ws://([^/]+)/.*", "http://$1/json/list"));
    HttpClient client = HttpClient.newHttpClient();
    JsonNode targets = JSON.readTree(client.send(HttpRequest.newBuilder(http).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String page = null;
    for (JsonNode t : targets) {
      if (t.path("type").asText().equals("page")) {
        page = t.path("webSocketDebuggerUrl").asText();
      }
    }
    if (page == null) {
      throw new IOException("Chromium lists no page target: " + targets);
    }
    return client.newWebSocketBuilder().buildAsync(URI.create(page), new Receiver())
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Reads Chromium's stderr until it names its DevTools endpoint, then drains it. */
  private String browserUrl() throws IOException {
    BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
        StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = err.readLine()) != null; ) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> err.lines().forEach(l -> { }), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
      seen.append(line).append('\n');
    }
    throw new IOException("Chromium exited without a DevTools endpoint:\n" + seen);
  }

  /** Opens {@code file}, waits for its load event and collects what went wrong. */
  PageCheck check(Path file) throws Exception {
    events.clear();
    loaded = new CompletableFuture<>();
    ObjectNode nav = JSON.createObjectNode().put("url", file.toUri().toString());
    JsonNode r = call("Page.navigate", nav);
    if (r.has("errorText")) {
      throw new IOException("navigation to " + file + " failed: " + r.get("errorText"));
    }
    loaded.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    String script = "JSON.stringify(Array.from(document.images).map("
        + "(i, n) => [n + ': ' + i.alt, i.complete ? i.naturalWidth : -1]))";
    JsonNode value = call("Runtime.evaluate", JSON.createObjectNode().put("expression", script)
        .put("returnByValue", true)).path("result").path("value");
    Map<String, Integer> widths = new java.util.LinkedHashMap<>();
    for (JsonNode pair : JSON.readTree(value.asText())) {
      widths.put(pair.get(0).asText(), pair.get(1).asInt());
    }
    List<String> errors = new ArrayList<>();
    synchronized (events) {
      for (JsonNode e : events) {
        JsonNode p = e.path("params");
        switch (e.path("method").asText()) {
          case "Runtime.exceptionThrown" -> errors.add("exception: "
              + p.path("exceptionDetails").path("exception").path("description").asText(
                  p.path("exceptionDetails").path("text").asText()));
          case "Runtime.consoleAPICalled" -> {
            if (List.of("error", "assert").contains(p.path("type").asText())) {
              errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
            }
          }
          case "Log.entryAdded" -> {
            if (p.path("entry").path("level").asText().equals("error")) {
              errors.add("log: " + p.path("entry").path("text").asText() + " "
                  + p.path("entry").path("url").asText());
            }
          }
          default -> { }
        }
      }
    }
    return new PageCheck(errors, widths);
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    replies.put(id, reply);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    socket.sendText(msg.toString(), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    JsonNode r = reply.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IOException(method + ": " + r.get("error"));
    }
    return r.path("result");
  }

  /** Joins message fragments; routes replies by id and keeps events. */
  private final class Receiver implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode m = JSON.readTree(partial.toString());
          if (m.has("id")) {
            CompletableFuture<JsonNode> f = replies.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          } else {
            events.add(m);
            if (m.path("method").asText().equals("Page.loadEventFired")) {
              loaded.complete(null);
            }
          }
        } catch (IOException e) {
          replies.values().forEach(f -> f.completeExceptionally(e));
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.abort();
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
