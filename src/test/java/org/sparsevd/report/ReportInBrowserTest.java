package org.sparsevd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real headless Chromium: it loads without console errors and every plot
 * decodes. Skipped only when no Chromium is installed (.ci/run installs Debian's).
 */
class ReportInBrowserTest {
  @TempDir static Path tmp;
  private static HeadlessChromium browser;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> binary = HeadlessChromium.find();
    if (binary.isPresent()) {
      browser = new HeadlessChromium(binary.get());
    }
  }

  @BeforeEach
  void needsChromium() {
    Assumptions.assumeTrue(browser != null,
        "chromium is not installed (apt-get install -y chromium): report.html not checked");
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void reportLoadsCleanlyWithEveryPlot() throws Exception {
    Path run = tmp.resolve("run");
    RunReport.write(new org.apache.hadoop.fs.Path(run.resolve("report.html").toString()),
        new org.apache.hadoop.fs.Path(run.resolve("plots").toString()), new Configuration(),
        RunHistory.parse(Fixtures.metricsLines(), "metrics.jsonl"), Fixtures.summaryJson(),
        Fixtures.model(), Optional.of(Fixtures.SHAPE));
    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains("&lt;b&gt;&amp;&#39;quoted&#39;&lt;/b&gt;"), "config is escaped");
    assertTrue(html.contains("<td class=\"n\">90.00%</td>"), "test accuracy shown");
    assertTrue(!html.contains("src=\"http") && !html.contains("<script"), "self-contained");
    // Strings from the user (config keys and values, layer specs) render as text: a script
    // or an image handler in them would log an error in the page below.
    assertTrue(html.contains("&lt;script&gt;console.error(&#39;config ran&#39;)&lt;/script&gt;"),
        "config value escaped");
    assertTrue(html.contains("vd(3)&lt;script&gt;"), "layer spec escaped");
    assertTrue(html.contains("&lt;img src=x onerror=console.error(&#39;key ran&#39;)&gt;"),
        "config key escaped");

    HeadlessChromium.PageCheck page = browser.check(run.resolve("report.html"));
    assertEquals(java.util.List.of(), page.errors());
    assertEquals(4, page.imageWidths().size(), page.imageWidths().toString());
    for (Map.Entry<String, Integer> img : page.imageWidths().entrySet()) {
      assertTrue(img.getValue() > 0, img.getKey() + " did not decode");
    }
    for (String plot : new String[] {"training", "sparsity", "log_alpha", "kept_inputs"}) {
      assertTrue(Files.size(run.resolve("plots").resolve(plot + ".png")) > 1000, plot);
    }
  }

  /** The check itself: a broken image and a console error are both caught. */
  @Test
  void brokenImagesAndConsoleErrorsAreReported() throws Exception {
    Path bad = tmp.resolve("bad.html");
    Files.writeString(bad, "<!DOCTYPE html><html><body><img alt=\"broken\" "
        + "src=\"data:image/png;base64,AAAA\"><script>console.error('boom')</script>"
        + "</body></html>");
    HeadlessChromium.PageCheck page = browser.check(bad);
    assertEquals(Map.of("0: broken", 0), page.imageWidths());
    assertTrue(page.errors().stream().anyMatch(e -> e.contains("boom")), page.errors().toString());
  }
}
