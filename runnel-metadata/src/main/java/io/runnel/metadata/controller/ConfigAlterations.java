package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.config.BrokerDynamicConfigs;
import io.runnel.metadata.config.ConfigChange;
import io.runnel.metadata.config.ConfigOperation;
import io.runnel.metadata.config.TopicConfigDef;
import io.runnel.metadata.config.TopicConfigs;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Validates AlterConfigs and IncrementalAlterConfigs against an image and turns what passes into
 * {@link ConfigRecord}s, following Kafka's broker preprocessing ({@code ConfigAdminManager}) and controller
 * ({@code ConfigurationControlManager}) rules, checked in Kafka's order:
 * <ol>
 *   <li>a resource named twice: both get INVALID_REQUEST; a config named twice in a resource, or a null value
 *       where one is needed: INVALID_REQUEST;</li>
 *   <li>the new values: SET replaces, DELETE removes, APPEND/SUBTRACT edit a list config (starting from its
 *       default when the topic does not override it; INVALID_CONFIG for a non-list config); a legacy
 *       AlterConfigs replaces every dynamic config of the resource, deleting those it does not name;</li>
 *   <li>the resulting configs as a whole: INVALID_CONFIG for an unknown name or a bad value;</li>
 *   <li>the resource exists: UNKNOWN_TOPIC_OR_PARTITION;</li>
 *   <li>the operator's {@code alter.config.policy.class.name}, given what the request changes (as Kafka, not the
 *       configs a legacy AlterConfigs deletes by leaving them out): POLICY_VIOLATION.</li>
 * </ol>
 * BROKER resources are this broker's id or {@code ""} (the cluster-wide default) and hold only
 * {@link BrokerDynamicConfigs}; anything else, or a bad value, is INVALID_REQUEST as in Kafka.
 * Each resource succeeds or fails alone. Only values that change are written. Runs on the controller thread;
 * one instance per command.
 */
final class ConfigAlterations {
    /** Kafka's limit: a ConfigRecord value is a string of at most this many bytes. */
    private static final int MAX_VALUE_LENGTH = Short.MAX_VALUE;

    private final MetadataImage current;
    private final int brokerId;
    private final boolean incremental;
    private final Policies policies;
    private final List<MetadataRecord> records = new ArrayList<>();

    /**
     * @param brokerId this broker, the only one whose own configs may be altered here
     * @param incremental true for IncrementalAlterConfigs, false for the legacy full replacement
     * @param policies the operator's policies, asked last
     */
    ConfigAlterations(
            final MetadataImage current, final int brokerId, final boolean incremental, final Policies policies) {
        this.current = current;
        this.brokerId = brokerId;
        this.incremental = incremental;
        this.policies = policies;
    }

    /** One result per spec, in order; the records of those that passed are in {@link #records()}. */
    List<AlterConfigsResult> run(final List<AlterConfigsSpec> specs) {
        final Map<String, Integer> occurrences = new HashMap<>();
        for (final AlterConfigsSpec spec : specs) {
            occurrences.merge(key(spec), 1, Integer::sum);
        }
        final List<AlterConfigsResult> results = new ArrayList<>(specs.size());
        for (final AlterConfigsSpec spec : specs) {
            ApiError error;
            if (occurrences.get(key(spec)) > 1) {
                error = ApiError.of(Errors.INVALID_REQUEST, "Each resource must appear at most once.");
            } else {
                try {
                    records.addAll(alter(spec));
                    error = ApiError.NONE;
                } catch (final ApiException e) {
                    error = ApiError.fromThrowable(e);
                }
            }
            results.add(new AlterConfigsResult(spec.type(), spec.resourceName(), error));
        }
        return List.copyOf(results);
    }

    List<MetadataRecord> records() {
        return List.copyOf(records);
    }

    private static String key(final AlterConfigsSpec spec) {
        return spec.type().id() + "/" + spec.resourceName();
    }

    private List<MetadataRecord> alter(final AlterConfigsSpec spec) {
        checkShape(spec.changes());
        return switch (spec.type()) {
            case TOPIC -> alterTopic(spec);
            case BROKER -> alterBroker(spec);
        };
    }

    private List<MetadataRecord> alterTopic(final AlterConfigsSpec spec) {
        final String topicName = spec.resourceName();
        if (topicName.isEmpty()) {
            throw new InvalidRequestException("Default topic resources are not allowed.");
        }
        Topic.validate(topicName);
        final TopicImage topic = current.topic(topicName);
        final Map<String, String> before = topic == null ? Map.of() : topic.configs();
        final Map<String, @Nullable String> altered = changes(before, spec.changes(), TopicConfigs::get);
        final Map<String, String> errors = TopicConfigs.validate(after(before, altered));
        if (!errors.isEmpty()) {
            throw new InvalidConfigurationException(errors.values().iterator().next());
        }
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("The topic '" + topicName + "' does not exist.");
        }
        policies.checkAlterConfig(
                new ConfigResource(ConfigResource.Type.TOPIC, topicName), askedFor(spec, before, altered, false));
        return records(ConfigResourceType.TOPIC, topicName, altered);
    }

    /** {@code ""} is the cluster-wide default; otherwise only this broker's own id, as Kafka's forwarding broker checks. */
    private List<MetadataRecord> alterBroker(final AlterConfigsSpec spec) {
        final String name = spec.resourceName();
        if (!name.isEmpty()) {
            final int id;
            try {
                id = Integer.parseInt(name);
            } catch (final NumberFormatException e) {
                throw new InvalidRequestException("Node id must be an integer, but it is: " + name);
            }
            if (id != brokerId) {
                throw new InvalidRequestException(
                        "Unexpected broker id, expected " + brokerId + ", but received " + name);
            }
        }
        final Map<String, String> before = current.brokerConfigs().getOrDefault(name, Map.of());
        final Map<String, @Nullable String> altered =
                changes(before, spec.changes(), BrokerDynamicConfigs::topicConfigOf);
        final Map<String, String> errors = BrokerDynamicConfigs.validate(after(before, altered));
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors.values().iterator().next());
        }
        policies.checkAlterConfig(
                new ConfigResource(ConfigResource.Type.BROKER, name), askedFor(spec, before, altered, true));
        return records(ConfigResourceType.BROKER, name, altered);
    }

    /**
     * What the alter-config policy is shown, as Kafka's controller shows it: each config the request names whose
     * value changes, with its new value (null: deleted); for a broker every config it names, changed or not
     * (Kafka writes a broker's unchanged values again to make brokers reload them).
     */
    private static Map<String, @Nullable String> askedFor(
            final AlterConfigsSpec spec,
            final Map<String, String> before,
            final Map<String, @Nullable String> altered,
            final boolean everyNamed) {
        final Map<String, @Nullable String> asked = new HashMap<>();
        for (final ConfigChange change : spec.changes()) {
            if (altered.containsKey(change.name())) {
                asked.put(change.name(), altered.get(change.name()));
            } else if (everyNamed) {
                asked.put(change.name(), before.get(change.name()));
            }
        }
        return asked;
    }

    private Map<String, @Nullable String> changes(
            final Map<String, String> before,
            final List<ConfigChange> changes,
            final Function<String, @Nullable TopicConfigDef> defs) {
        return incremental ? incrementalChanges(before, changes, defs) : replacementChanges(before, changes);
    }

    private static Map<String, String> after(
            final Map<String, String> before, final Map<String, @Nullable String> altered) {
        final Map<String, String> after = new TreeMap<>(before);
        altered.forEach((name, value) -> {
            if (value == null) {
                after.remove(name);
            } else if (value.length() > MAX_VALUE_LENGTH) {
                throw new InvalidConfigurationException("The configuration value cannot be added because it exceeds "
                        + "the maximum value size of " + MAX_VALUE_LENGTH + " bytes.");
            } else {
                after.put(name, value);
            }
        });
        return after;
    }

    private static List<MetadataRecord> records(
            final ConfigResourceType type, final String resourceName, final Map<String, @Nullable String> altered) {
        final List<MetadataRecord> out = new ArrayList<>(altered.size());
        altered.forEach((name, value) -> out.add(new ConfigRecord(type, resourceName, name, value)));
        return out;
    }

    /** The request's shape, before anything is looked up: what Kafka's broker checks before forwarding. */
    private void checkShape(final List<ConfigChange> changes) {
        final Set<String> names = new HashSet<>();
        for (final ConfigChange change : changes) {
            if (!names.add(change.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
        }
        final List<String> nullUpdates = new ArrayList<>();
        for (final ConfigChange change : changes) {
            final boolean needsValue = !incremental || change.operation() != ConfigOperation.DELETE;
            if (needsValue && change.value() == null) {
                nullUpdates.add(change.name());
            }
        }
        if (!nullUpdates.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for : " + String.join(", ", nullUpdates));
        }
    }

    /** Name to new value (null: delete) for every config whose dynamic value changes. */
    private static Map<String, @Nullable String> incrementalChanges(
            final Map<String, String> before,
            final List<ConfigChange> changes,
            final Function<String, @Nullable TopicConfigDef> defs) {
        final Map<String, @Nullable String> altered = new LinkedHashMap<>();
        for (final ConfigChange change : changes) {
            final String name = change.name();
            final String currentValue = before.get(name);
            final String newValue = switch (change.operation()) {
                case SET -> change.value();
                case DELETE -> null;
                case APPEND, SUBTRACT -> editList(defs.apply(name), name, currentValue, change);
            };
            if (!Objects.equals(currentValue, newValue)) {
                altered.put(name, newValue);
            }
        }
        return altered;
    }

    /**
     * Kafka's list arithmetic: elements are split on commas, not trimmed; APPEND skips elements already there,
     * SUBTRACT removes every one named; an absent value starts from the config's default.
     */
    private static String editList(
            final @Nullable TopicConfigDef def,
            final String name,
            final @Nullable String currentValue,
            final ConfigChange change) {
        if (def == null || def.type() != ConfigType.LIST) {
            throw new InvalidConfigurationException(
                    "Can't " + change.operation() + " to key " + name + " because its type is not LIST.");
        }
        final List<String> elements = split(currentValue != null ? currentValue : def.defaultValue());
        for (final String element : Objects.requireNonNull(change.value()).split(",")) {
            if (change.operation() == ConfigOperation.APPEND) {
                if (!elements.contains(element)) {
                    elements.add(element);
                }
            } else {
                elements.remove(element);
            }
        }
        return String.join(",", elements);
    }

    private static List<String> split(final String value) {
        final List<String> elements = new ArrayList<>();
        for (final String element : value.split(",")) {
            if (!element.isEmpty()) {
                elements.add(element);
            }
        }
        return elements;
    }

    /** Every named config set to its value, every other dynamic config deleted. */
    private static Map<String, @Nullable String> replacementChanges(
            final Map<String, String> before, final List<ConfigChange> changes) {
        final Map<String, @Nullable String> altered = new LinkedHashMap<>();
        final Set<String> named = new HashSet<>();
        for (final ConfigChange change : changes) {
            named.add(change.name());
            if (!Objects.equals(before.get(change.name()), change.value())) {
                altered.put(change.name(), change.value());
            }
        }
        for (final String name : before.keySet()) {
            if (!named.contains(name)) {
                altered.put(name, null);
            }
        }
        return altered;
    }
}
