package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.server.policy.AlterConfigPolicy;
import org.apache.kafka.server.policy.CreateTopicPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's own rules for admin requests, Kafka's plug-ins by Kafka's names: a {@link CreateTopicPolicy}
 * ({@code create.topic.policy.class.name}) sees every topic about to be created, an {@link AlterConfigPolicy}
 * ({@code alter.config.policy.class.name}) every config change, the configs a topic is created with included, as
 * in KRaft. Both are instantiated once, configured with the broker's properties, and called on the controller
 * thread after the broker's own checks passed. A {@code PolicyViolationException} is the answer
 * (POLICY_VIOLATION); anything else a policy throws is its bug, logged and answered UNKNOWN_SERVER_ERROR.
 */
final class Policies implements AutoCloseable {
    static final String CREATE_TOPIC_POLICY = "create.topic.policy.class.name";
    static final String ALTER_CONFIG_POLICY = "alter.config.policy.class.name";

    private static final Logger LOG = LoggerFactory.getLogger(Policies.class);

    private final @Nullable CreateTopicPolicy createTopic;
    private final @Nullable AlterConfigPolicy alterConfig;

    private Policies(final @Nullable CreateTopicPolicy createTopic, final @Nullable AlterConfigPolicy alterConfig) {
        this.createTopic = createTopic;
        this.alterConfig = alterConfig;
    }

    /** The policies {@code brokerProperties} name; a class that cannot be loaded fails the broker's start. */
    static Policies load(final Map<String, String> brokerProperties) {
        final CreateTopicPolicy createTopic =
                instantiate(brokerProperties, CREATE_TOPIC_POLICY, CreateTopicPolicy.class);
        final AlterConfigPolicy alterConfig;
        try {
            alterConfig = instantiate(brokerProperties, ALTER_CONFIG_POLICY, AlterConfigPolicy.class);
        } catch (final RuntimeException e) {
            closeQuietly(createTopic);
            throw e;
        }
        return new Policies(createTopic, alterConfig);
    }

    private static <T extends org.apache.kafka.common.Configurable & AutoCloseable> @Nullable T instantiate(
            final Map<String, String> brokerProperties, final String name, final Class<T> type) {
        final String className = brokerProperties.get(name);
        if (className == null || className.isBlank()) {
            return null;
        }
        final T policy;
        try {
            final Class<?> found = Class.forName(className.trim(), true, Policies.class.getClassLoader());
            if (!type.isAssignableFrom(found)) {
                throw new ConfigException(name, className, "is not an implementation of " + type.getName());
            }
            policy = type.cast(found.getDeclaredConstructor().newInstance());
        } catch (final ReflectiveOperationException | LinkageError e) {
            throw new ConfigException(name, className, "cannot be instantiated: " + e);
        }
        try {
            policy.configure(new HashMap<>(brokerProperties));
        } catch (final RuntimeException e) {
            closeQuietly(policy);
            throw new ConfigException(name, className, "failed to configure: " + e);
        }
        return policy;
    }

    /**
     * Asks the create-topic policy about one topic: with {@code assignments} null, the partition count and
     * replication factor it will get; with them, null for both, as Kafka passes a manual assignment.
     */
    void checkCreateTopic(
            final String topic,
            final @Nullable Integer numPartitions,
            final @Nullable Short replicationFactor,
            final @Nullable Map<Integer, List<Integer>> assignments,
            final Map<String, String> configs) {
        if (createTopic != null) {
            final CreateTopicPolicy.RequestMetadata request = new CreateTopicPolicy.RequestMetadata(
                    topic, numPartitions, replicationFactor, assignments, configs);
            call(CREATE_TOPIC_POLICY, () -> createTopic.validate(request));
        }
    }

    /** Asks the alter-config policy about the configs a request changes (null: deleted) on one resource. */
    void checkAlterConfig(final ConfigResource resource, final Map<String, @Nullable String> changed) {
        if (alterConfig != null) {
            final AlterConfigPolicy.RequestMetadata request = new AlterConfigPolicy.RequestMetadata(resource, changed);
            call(ALTER_CONFIG_POLICY, () -> alterConfig.validate(request));
        }
    }

    private static void call(final String policy, final Runnable check) {
        try {
            check.run();
        } catch (final ApiException e) {
            throw e; // PolicyViolationException above all: the policy's answer
        } catch (final RuntimeException e) {
            LOG.error("The {} failed", policy, e);
            throw new UnknownServerException("The " + policy + " failed; see the broker's log");
        }
    }

    @Override
    public void close() {
        closeQuietly(createTopic);
        closeQuietly(alterConfig);
    }

    private static void closeQuietly(final @Nullable AutoCloseable policy) {
        if (policy == null) {
            return;
        }
        try {
            policy.close();
        } catch (final Exception e) {
            LOG.warn("Closing {} failed", policy.getClass().getName(), e);
        }
    }
}
