/**
 * Benchmark entry points. Each warms up, times repeated runs, and writes medians as JSON;
 * speed is measured here, never in unit tests.
 */
package org.sparsevd.bench;
