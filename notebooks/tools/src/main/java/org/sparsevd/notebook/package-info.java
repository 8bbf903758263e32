/**
 * Notebook tooling: {@link org.sparsevd.notebook.JShellKernel}, a Jupyter kernel that runs
 * Java cells in JShell inside its own JVM (so cells share the classpath of the project and
 * can show images with {@link org.sparsevd.notebook.Display#display}), and {@link
 * org.sparsevd.notebook.ZeppelinRunner}, which runs the Scala paragraphs of a Zeppelin note
 * in the Scala interpreter with a SparkSession bound as Zeppelin's {@code %spark} does.
 */
package org.sparsevd.notebook;
