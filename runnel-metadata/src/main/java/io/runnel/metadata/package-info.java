/**
 * Runnel's cluster metadata: a log of {@link io.runnel.metadata.record.MetadataRecord}s
 * ({@link io.runnel.metadata.log.MetadataLog}), the immutable
 * {@link io.runnel.metadata.image.MetadataImage} they build, the topic config catalogue
 * ({@link io.runnel.metadata.config.TopicConfigs}) and the single writer of the log,
 * {@link io.runnel.metadata.controller.MetadataController}.
 *
 * <p>Everything in this module is non-null unless marked {@link io.runnel.metadata.Nullable}.
 */
package io.runnel.metadata;
