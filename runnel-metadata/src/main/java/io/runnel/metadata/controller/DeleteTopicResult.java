package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import org.apache.kafka.common.Uuid;

/**
 * The outcome for one topic of a DeleteTopics request, with both name and id filled in when the
 * topic was found ({@code name} is null for an unknown id, {@code topicId} zero for an unknown name).
 */
public record DeleteTopicResult(@Nullable String name, Uuid topicId, ApiError error) {}
