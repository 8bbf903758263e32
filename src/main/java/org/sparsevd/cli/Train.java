package org.sparsevd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparsevd.io.CheckpointPolicy;
import org.sparsevd.io.CheckpointStore;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.report.ImageShape;
import org.sparsevd.report.Progress;
import org.sparsevd.report.RunHistory;
import org.sparsevd.report.RunReport;
import org.sparsevd.spark.Aggregation;
import org.sparsevd.spark.SparkEvaluation;
import org.sparsevd.spark.SparkTrainer;
import org.sparsevd.spark.WarmStart;
import org.sparsevd.spark.data.TrainingData;
import org.sparsevd.sparse.ShrunkConvNetwork;
import org.sparsevd.train.EpochReport;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.train.TrainingState;

/**
 * The train job: {@code Train CONFIG [--key value ...] [--resume] [--overwrite]}. Loads and
 * caches the data, trains with the distributed step, writes metrics and checkpoints as it
 * goes, then the model, the summary, the plots and report.html, and last the completion marker.
 * On a terminal a bar shows the steps of the running epoch; the Spark UI names each step's job
 * by epoch and step.
 */
public final class Train {
  private static final Logger LOG = LoggerFactory.getLogger(Train.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the job reads: every key of a train config but the evaluate job's own. */
  static final List<JobConfig.Key> KEYS = JobConfig.keysExcept("mc_samples", "model");
  public static final JobCommand COMMAND = JobCommand.withConfig(
      "jobs/train.sh CONFIG [--key value ...] [--resume] [--overwrite] [--skip-invalid]",
      JobConfig.KEYS, KEYS, OutputDir.RESUME, OutputDir.OVERWRITE, JobConfig.SKIP_INVALID);

  private Train() {}

  public static void main(String[] args) throws Exception {
    JobConfig c = COMMAND.parseMain(args, k -> ConfigCheck.train(k, new Configuration()));
    Sessions.runMain(c, "sparsevd-train", spark -> run(spark, c));
  }

  /**
   * Runs the job in an existing session, as a tabular pipeline ({@link TabularJob}) when the
   * config says {@code pipeline = tabular}; returns the path of the output directory.
   */
  public static String run(SparkSession spark, JobConfig c) throws IOException {
    if (c.tabular()) {
      return TabularJob.run(spark, c);
    }
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainConfig tc = c.trainConfig();
    SparkTrainer.Shuffle shuffle = switch (c.get("shuffle")) {
      case "global" -> SparkTrainer.Shuffle.GLOBAL;
      case "blocks" -> SparkTrainer.Shuffle.BLOCKS;
      default -> throw new IllegalArgumentException("shuffle = " + c.get("shuffle")
          + ": expected global or blocks");
    };
    WarmStart warm = WarmStart.read(c.get("init_model"), "init_model", c.get("data.scaling"),
        hconf);
    OutputDir out = OutputDir.open(c.require("output"), hconf, c.flag("resume"),
        c.flag("overwrite"));
    try (JobData data = JobData.load(spark, c, warm == null ? null : warm.scaling())) {
      TrainingData train = data.train();
      NetworkDef def = c.networkDef(train.cols());
      Optional<ImageShape> shape = ImageShape.of(c.get("data.image_shape"), def.inputSize(),
          "data.image_shape");
      SparkTrainer trainer = new SparkTrainer(train, def, tc, shuffle, Aggregation.parse(
          c.get("aggregation"), SparkTrainer.partitionsPerStep(train, shuffle)),
          c.getInt("block_streams"));
      CheckpointPolicy checkpoints = new CheckpointPolicy(new CheckpointStore(out.checkpoints(),
          hconf, c.getInt("checkpoint_keep")), c.getInt("checkpoint_every"),
          c.getInt("checkpoint_every_steps"), trainer.fingerprint());
      TrainingState initial = warm == null ? trainer.initialState()
          : warm.initialState(def, train.numClasses(), tc);
      TrainingState state = c.flag("resume") ? checkpoints.resume(initial, LOG::warn) : initial;
      List<String> metrics = previousMetrics(out, hconf, state.epochsDone());
      if (state.step() > 0) {
        System.out.printf("resuming after epoch %d (step %d)%n", state.epochsDone(), state.step());
      }
      int firstEpoch = state.epochsDone();
      long start = System.nanoTime();
      EpochReport[] last = new EpochReport[1];
      TrainingLoop.Evaluator eval = data.test() == null ? null
          : SparkEvaluation.evaluator(sc, data.test().rdd(), def, train.numClasses());
      TrainingLoop.Listener job = new TrainingLoop.Listener() {
        @Override
        public void epochDone(EpochReport r, TrainingState s) throws IOException {
          last[0] = r;
          double elapsed = (System.nanoTime() - start) / 1e9;
          System.out.println(Progress.line(r, tc.epochs(), elapsed, r.epoch() + 1 - firstEpoch));
          metrics.add(Progress.json(r));
          HadoopFiles.writeString(out.metrics(), hconf, String.join("\n", metrics) + "\n");
          checkpoints.epochDone(s, tc.epochs());
        }

        @Override
        public void stepDone(TrainingState s, int stepsDone, int steps) throws IOException {
          checkpoints.stepDone(s, stepsDone);
        }
      };
      SparseVdModel model = trainer.fit(state, eval,
          ProgressBar.around(job, tc.epochs(), firstEpoch, start), c.asMap());
      double seconds = (System.nanoTime() - start) / 1e9;
      ModelFormat.write(model, out.model(), hconf);
      String summary = summary(c, data, def.build(), state, last[0], seconds, firstEpoch);
      HadoopFiles.writeString(out.summary(), hconf, summary);
      RunReport.write(out.report(), out.plots(), hconf,
          RunHistory.parse(String.join("\n", metrics), out.metrics().toString()), summary, model,
          shape);
      out.markComplete();
      System.out.println("model written to " + out.model());
      return out.root().toString();
    }
  }

  /** Keeps the lines of epochs before {@code epochsDone}: a resumed run rewrites the rest. */
  private static List<String> previousMetrics(OutputDir out, Configuration conf, int epochsDone)
      throws IOException {
    List<String> kept = new ArrayList<>();
    if (epochsDone == 0 || !out.metrics().getFileSystem(conf).exists(out.metrics())) {
      return kept;
    }
    for (String line : HadoopFiles.readString(out.metrics(), conf, 64L << 20).split("\n")) {
      if (!line.isBlank() && JSON.readTree(line).path("epoch").asInt(Integer.MAX_VALUE)
          < epochsDone) {
        kept.add(line);
      }
    }
    return kept;
  }

  private static String summary(JobConfig c, JobData jobData, Network net, TrainingState state,
                                EpochReport last, double seconds, int firstEpoch)
      throws IOException {
    TrainingData data = jobData.train();
    ObjectNode o = JSON.createObjectNode();
    o.put("epochs", state.epochsDone());
    o.put("steps", state.step());
    o.put("seconds_this_run", seconds);
    o.put("epochs_this_run", state.epochsDone() - firstEpoch);
    o.put("train_examples", data.rows());
    o.put("cached_bytes_per_example", data.cachedBytesPerExample());
    o.put("partitions", data.blocks().getNumPartitions());
    JobData.Skipped skipped = jobData.skipped();
    o.put("skipped_rows", skipped.train() + skipped.test());
    o.put("skipped_train_rows", skipped.train());
    o.put("skipped_test_rows", skipped.test());
    var reasons = o.putArray("skip_reasons");
    skipped.reasons().forEach(reasons::add);
    if (last != null && last.evaluation() != null) {
      o.put("test_accuracy", last.evaluation().accuracy());
      o.put("test_error", 1 - last.evaluation().accuracy());
      o.put("test_nll", last.evaluation().nll());
    }
    var sp = net.sparsity(state.params());
    o.put("sparsity", sp.sparsity());
    o.put("compression", sp.compression());
    o.put("kept_weights", sp.kept());
    o.put("weights", sp.weights());
    o.set("layers", Progress.layers(sp));
    ShrunkConvNetwork.ofSupported(net, state.params())
        .ifPresent(shrunk -> o.put("shrunk_network", shrunk.spec()));
    ObjectNode cfg = o.putObject("config");
    c.asMap().forEach(cfg::put);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
  }
}
