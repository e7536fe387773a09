package io.runnel.it.protocol;

import static io.runnel.it.protocol.WireClient.assertBrokerServes;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits kafka-clients 4.4's generated readers put on what a request may declare (as Kafka 4.4.0's broker
 * reads them): an array of more than 1,000,000 elements or a tagged section of more than 10,000 fields is not
 * read, so the request is unreadable and, as in Kafka, its connection closes; the broker serves everyone else. At
 * the limits themselves the request is served.
 */
@Timeout(60)
class DecoderLimitsTest {
    private static final int MAX_ARRAY = 1_000_000;
    private static final int MAX_TAGGED_FIELDS = 10_000;
    private static final short LIST_GROUPS_WITH_TYPES = 5;
    private static final short METADATA = 12;

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension();

    @Test
    void shouldServeAnArrayOfExactlyTheLimit() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            // answered (with whatever the filter of empty type names deserves), not refused unread
            final ListGroupsResponseData response =
                    client.roundTrip(listGroupsFilteredBy(MAX_ARRAY), LIST_GROUPS_WITH_TYPES);
            assertThat(response.groups()).isEmpty();
        }
    }

    @Test
    void shouldCloseTheConnectionWhenAnArrayIsLongerThanTheLimit() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.send(listGroupsFilteredBy(MAX_ARRAY + 1), LIST_GROUPS_WITH_TYPES);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldServeATaggedSectionOfExactlyTheLimit() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final MetadataResponseData response =
                    client.roundTrip(metadataWithTaggedFields(MAX_TAGGED_FIELDS), METADATA);
            assertThat(response.brokers()).isNotEmpty();
        }
    }

    @Test
    void shouldCloseTheConnectionWhenATaggedSectionHasMoreFieldsThanTheLimit() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.send(metadataWithTaggedFields(MAX_TAGGED_FIELDS + 1), METADATA);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    /** ListGroups with {@code types} empty type names: one byte each on the wire. */
    private static ListGroupsRequestData listGroupsFilteredBy(final int types) {
        return new ListGroupsRequestData().setTypesFilter(new ArrayList<>(Collections.nCopies(types, "")));
    }

    /** Metadata of every topic, with {@code fields} unknown empty tagged fields (tags 1000, 1001, ...). */
    private static MetadataRequestData metadataWithTaggedFields(final int fields) {
        final MetadataRequestData request = new MetadataRequestData().setTopics(null);
        final List<RawTaggedField> tagged = request.unknownTaggedFields();
        for (int i = 0; i < fields; i++) {
            tagged.add(new RawTaggedField(1000 + i, new byte[0]));
        }
        return request;
    }
}
