/**
 * Files on any Hadoop path (local, hdfs://, s3a://): atomic writes (temporary name, then
 * rename; on object stores the object written directly, aborted on failure), the checksummed
 * binary format of float arrays, the model format and the checkpoint store. No Spark
 * dependency.
 */
package org.sparsevd.io;
