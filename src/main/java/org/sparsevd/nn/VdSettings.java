package org.sparsevd.nn;

/**
 * Settings shared by the variational layers of a network; immutable and validated.
 *
 * @param parameterization what the second parameter of each weight is
 * @param logAlphaMin lower clip of log alpha
 * @param logAlphaMax upper clip of log alpha
 * @param threshold weights with log alpha at or above it are pruned
 * @param trainClip during training, drop pruned weights from the mean path
 * @param thetaInitStd standard deviation of the normal initialisation of theta
 * @param logSigma2Init initial log sigma^2 (the log alpha parameterisation starts from the
 *     same posterior, log alpha = logSigma2Init - log theta^2)
 */
public record VdSettings(Parameterization parameterization, float logAlphaMin, float logAlphaMax,
                         float threshold, boolean trainClip, float thetaInitStd,
                         float logSigma2Init) implements java.io.Serializable {
  /** The authors' recipe for the LeNets: additive parameterisation, clip [-8, 8], threshold 3. */
  public static final VdSettings DEFAULTS =
      new VdSettings(Parameterization.LOG_SIGMA2, -8f, 8f, 3f, true, 0.01f, -10f);

  public VdSettings {
    if (parameterization == null) {
      throw new IllegalArgumentException("parameterisation must be set");
    }
    if (!(logAlphaMin < logAlphaMax)) {
      throw new IllegalArgumentException(
          "log alpha clip range [" + logAlphaMin + ", " + logAlphaMax + "] is empty");
    }
    if (!(threshold > logAlphaMin && threshold <= logAlphaMax)) {
      throw new IllegalArgumentException("threshold " + threshold
          + " outside the clip range (" + logAlphaMin + ", " + logAlphaMax + "]");
    }
    if (!(thetaInitStd > 0) || !Float.isFinite(thetaInitStd)) {
      throw new IllegalArgumentException("theta init std " + thetaInitStd + " must be > 0");
    }
    if (!Float.isFinite(logSigma2Init)) {
      throw new IllegalArgumentException("log sigma^2 init " + logSigma2Init + " must be finite");
    }
  }

  public VdSettings withParameterization(Parameterization p) {
    return new VdSettings(p, logAlphaMin, logAlphaMax, threshold, trainClip, thetaInitStd,
        logSigma2Init);
  }

  public VdSettings withThreshold(float t) {
    return new VdSettings(parameterization, logAlphaMin, logAlphaMax, t, trainClip, thetaInitStd,
        logSigma2Init);
  }

  public VdSettings withTrainClip(boolean clip) {
    return new VdSettings(parameterization, logAlphaMin, logAlphaMax, threshold, clip,
        thetaInitStd, logSigma2Init);
  }
}
