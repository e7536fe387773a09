package io.runnel.coordinator.group.consumer;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRegularExpression;

/**
 * Resolves what members subscribe to (topic names and a regular expression) against the current metadata image:
 * the topics that exist, with their ids and partition counts. Expressions are RE2J's, as Kafka's (so lookarounds
 * and back-references are INVALID_REGULAR_EXPRESSION). Internal topics never match a regular expression, as in
 * Kafka. Owned by the group coordinator's thread; not thread-safe (it caches compiled expressions).
 */
final class Subscriptions {
    private static final Set<String> INTERNAL_TOPICS = Set.of("__consumer_offsets", "__transaction_state");
    private static final int MAX_CACHED_PATTERNS = 1024;

    private final Supplier<MetadataImage> image;
    private final Map<String, Pattern> patterns = new HashMap<>();

    Subscriptions(final Supplier<MetadataImage> image) {
        this.image = image;
    }

    /** Checks that {@code regex} compiles; throws INVALID_REGULAR_EXPRESSION's exception if not. */
    Pattern compile(final String regex) {
        Pattern pattern = patterns.get(regex);
        if (pattern == null) {
            try {
                pattern = Pattern.compile(regex);
            } catch (final PatternSyntaxException e) {
                throw new InvalidRegularExpression("SubscribedTopicRegex " + regex + " is not a valid regular "
                        + "expression: " + e.getDescription());
            }
            if (patterns.size() >= MAX_CACHED_PATTERNS) {
                patterns.clear();
            }
            patterns.put(regex, pattern);
        }
        return pattern;
    }

    /** The existing topics any of {@code members} subscribes to, by name. */
    Map<String, ConsumerGroup.TopicShape> topicsOf(final Collection<ConsumerMember> members) {
        final MetadataImage current = image.get();
        final Set<String> names = new HashSet<>();
        final Set<Pattern> regexes = new HashSet<>();
        for (final ConsumerMember m : members) {
            names.addAll(m.subscribedTopicNames());
            if (m.subscribedTopicRegex() != null) {
                regexes.add(compile(m.subscribedTopicRegex()));
            }
        }
        final Map<String, ConsumerGroup.TopicShape> topics = new HashMap<>();
        for (final String name : names) {
            final TopicImage topic = current.topic(name);
            if (topic != null) {
                topics.put(name, new ConsumerGroup.TopicShape(topic.id(), topic.numPartitions()));
            }
        }
        if (!regexes.isEmpty()) {
            for (final TopicImage topic : current.topicsByName().values()) {
                if (!INTERNAL_TOPICS.contains(topic.name()) && matches(regexes, topic.name())) {
                    topics.put(topic.name(), new ConsumerGroup.TopicShape(topic.id(), topic.numPartitions()));
                }
            }
        }
        return topics;
    }

    /** The ids of the topics in {@code topics} that {@code member} subscribes to. */
    Set<Uuid> topicIdsOf(final ConsumerMember member, final Map<String, ConsumerGroup.TopicShape> topics) {
        final Set<Uuid> ids = new HashSet<>();
        for (final String name : member.subscribedTopicNames()) {
            final ConsumerGroup.TopicShape shape = topics.get(name);
            if (shape != null) {
                ids.add(shape.id());
            }
        }
        if (member.subscribedTopicRegex() != null) {
            final Pattern pattern = compile(member.subscribedTopicRegex());
            topics.forEach((name, shape) -> {
                if (!INTERNAL_TOPICS.contains(name) && pattern.matcher(name).matches()) {
                    ids.add(shape.id());
                }
            });
        }
        return ids;
    }

    /** The id of a topic, or null when there is none of that name. */
    Uuid topicId(final String name) {
        final TopicImage topic = image.get().topic(name);
        return topic == null ? null : topic.id();
    }

    /** The topic name of an id, for responses that carry both; null when the topic is gone. */
    String topicName(final Uuid topicId) {
        final TopicImage topic = image.get().topic(topicId);
        return topic == null ? null : topic.name();
    }

    private static boolean matches(final Set<Pattern> patterns, final String name) {
        for (final Pattern p : patterns) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }
}
