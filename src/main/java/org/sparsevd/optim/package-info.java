/**
 * Optimisers (Adam, SGD with momentum) that update a flat parameter array in place from a
 * flat gradient, and the schedules that drive training: learning rate and KL weight as a
 * function of the epoch.
 */
package org.sparsevd.optim;
