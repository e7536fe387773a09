package io.runnel.broker.api.fetch;

import org.apache.kafka.common.Uuid;

/**
 * A partition as a Fetch request names it: by topic id from v13 ({@code topic} is null), by name before
 * ({@code topicId} is {@link Uuid#ZERO_UUID}).
 */
record FetchKey(Uuid topicId, String topic, int partition) {}
