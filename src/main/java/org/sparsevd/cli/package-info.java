/** Command-line entry points run by the scripts in {@code jobs/}. */
package org.sparsevd.cli;
