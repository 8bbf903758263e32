package org.sparsevd.cli;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Settings of the retraining job: a properties file, then {@code --key value} overrides. The
 * training itself is set by a train job config ({@code train_config}), whose data.train,
 * data.test, output and init_model the retraining run fills in. An unknown key is an error.
 *
 * @param trainConfig the train job's config file
 * @param dataRoot folder of {@code date=YYYY-MM-DD} partitions in the train config's format
 * @param newest how many of the newest partitions to train on
 * @param holdout held-out data (train config's format) on which candidate and published model
 *     are compared
 * @param store the model store ({@link org.sparsevd.model.ModelStore})
 * @param margin publish when the candidate's holdout error is at most the published model's
 *     plus this
 * @param runId this run's name in the store
 * @param master the Spark master; empty: the train config's
 * @param scoreInput a table to score, after the decision, with the model then published (the
 *     score job, {@link Score}); empty: no scoring step
 * @param scoreOutput where the scores go; empty: {@code STORE/scores/RUN_ID}
 * @param scoreArgs further score job options, as on its command line
 */
record RetrainConfig(String trainConfig, String dataRoot, int newest, String holdout,
                     String store, double margin, String runId, String master,
                     String scoreInput, String scoreOutput, String scoreArgs) {

  /** Every key with its default ("" = required or computed) and meaning, in one place. */
  static final List<JobConfig.Key> KEYS = List.of(
      new JobConfig.Key("train_config", "", "the train job's config file; required"),
      new JobConfig.Key("data.root", "", "folder of date=YYYY-MM-DD data partitions; required"),
      new JobConfig.Key("data.newest", "7", "train on this many newest partitions"),
      new JobConfig.Key("holdout", "", "held-out data (the train config's format); required"),
      new JobConfig.Key("store", "", "model store: runs/, published/, reports/; required"),
      new JobConfig.Key("margin", "0", "publish when candidate error <= published error + margin"),
      new JobConfig.Key("run_id", "", "run name; empty: the UTC time, yyyyMMdd-HHmmss"),
      new JobConfig.Key("master", "", "Spark master; empty: the train config's"),
      new JobConfig.Key("score.input", "", "last step: score this table (e.g. the next day's "
          + "partition) with the model published after the decision; empty: no scoring"),
      new JobConfig.Key("score.output", "", "Parquet folder of the scores; empty: "
          + "STORE/scores/RUN_ID"),
      new JobConfig.Key("score.args", "", "score job options, e.g. --format csv --keep_cols "
          + "id --mc_samples 10; the format defaults to the train config's data.format"));

  RetrainConfig {
    if (newest < 1) {
      throw new IllegalArgumentException("data.newest = " + newest + ": must be >= 1");
    }
    if (!(margin >= 0 && margin < 1)) {
      throw new IllegalArgumentException("margin = " + margin + ": must be in [0, 1)");
    }
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("run_id = '" + runId + "': letters, digits, . _ - only");
    }
  }

  /** The retrain job's command line: its own keys, no flags. */
  static final JobCommand COMMAND = JobCommand.withConfig(
      "jobs/retrain.sh RETRAIN_CONFIG [--key value ...]", KEYS, KEYS);

  /** Parses {@code CONFIG [--key value ...]}. */
  static RetrainConfig parse(String[] args) throws IOException {
    return of(COMMAND.parse(args));
  }

  /** The settings from the parsed command line. */
  static RetrainConfig of(JobConfig c) {
    String runId = c.get("run_id").isEmpty() ? ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) : c.get("run_id");
    return new RetrainConfig(c.require("train_config"), c.require("data.root"),
        c.getInt("data.newest"), c.require("holdout"), c.require("store"),
        c.getDouble("margin"), runId, c.get("master"), c.get("score.input"),
        c.get("score.output"), c.get("score.args"));
  }
}
