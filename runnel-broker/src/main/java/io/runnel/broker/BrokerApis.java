package io.runnel.broker;

import io.runnel.broker.api.ForwardingHandler;
import io.runnel.broker.api.LeaderHints;
import io.runnel.broker.api.alterconfigs.AlterConfigsHandler;
import io.runnel.broker.api.apiversions.ApiVersionsHandler;
import io.runnel.broker.api.consumergroupdescribe.ConsumerGroupDescribeHandler;
import io.runnel.broker.api.consumergroupheartbeat.ConsumerGroupHeartbeatHandler;
import io.runnel.broker.api.createpartitions.CreatePartitionsHandler;
import io.runnel.broker.api.createtopics.CreateTopicsHandler;
import io.runnel.broker.api.deletegroups.DeleteGroupsHandler;
import io.runnel.broker.api.deleterecords.DeleteRecordsHandler;
import io.runnel.broker.api.deletetopics.DeleteTopicsHandler;
import io.runnel.broker.api.describecluster.DescribeClusterHandler;
import io.runnel.broker.api.describeconfigs.DescribeConfigsHandler;
import io.runnel.broker.api.describegroups.DescribeGroupsHandler;
import io.runnel.broker.api.describelogdirs.DescribeLogDirsHandler;
import io.runnel.broker.api.describequorum.DescribeQuorumHandler;
import io.runnel.broker.api.fetch.FetchHandler;
import io.runnel.broker.api.findcoordinator.FindCoordinatorHandler;
import io.runnel.broker.api.heartbeat.HeartbeatHandler;
import io.runnel.broker.api.incrementalalterconfigs.IncrementalAlterConfigsHandler;
import io.runnel.broker.api.initproducerid.InitProducerIdHandler;
import io.runnel.broker.api.joingroup.JoinGroupHandler;
import io.runnel.broker.api.leavegroup.LeaveGroupHandler;
import io.runnel.broker.api.listgroups.ListGroupsHandler;
import io.runnel.broker.api.listoffsets.ListOffsetsHandler;
import io.runnel.broker.api.metadata.MetadataHandler;
import io.runnel.broker.api.offsetcommit.OffsetCommitHandler;
import io.runnel.broker.api.offsetdelete.OffsetDeleteHandler;
import io.runnel.broker.api.offsetfetch.OffsetFetchHandler;
import io.runnel.broker.api.produce.ProduceHandler;
import io.runnel.broker.api.syncgroup.SyncGroupHandler;
import io.runnel.broker.api.unregisterbroker.UnregisterBrokerHandler;
import io.runnel.broker.config.BrokerConfig;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.coordinator.group.store.OffsetsTopic;
import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.protocol.ApiDispatcher;
import io.runnel.protocol.ApiHandler;
import io.runnel.replication.Partitions;
import io.runnel.storage.LogManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * The APIs a broker listener serves, each by its handler. The admin requests that change metadata are carried out
 * by this node's controller when it is the active one and forwarded to the active controller otherwise.
 */
final class BrokerApis {
    private BrokerApis() {}

    static ApiDispatcher dispatcher(
            final BrokerConfig config,
            final MetadataSide metadata,
            final LogManager logs,
            final Partitions partitions,
            final GroupCoordinator groups,
            final ScheduledExecutorService timer,
            final String clusterId) {
        final Supplier<MetadataImage> image = metadata.loader()::image;
        final Controller controller = metadata.controller();
        final List<ApiHandler<?>> handlers = new ArrayList<>();
        final ApiDispatcher[] dispatcher = new ApiDispatcher[1];
        handlers.add(new ApiVersionsHandler(
                () -> dispatcher[0].advertisedVersions(),
                clusterId,
                config.nodeId(),
                () -> image.get().lastOffset()));
        handlers.add(new MetadataHandler(
                image, controller, config.nodeId(), config.autoCreateTopics(), partitions::isOffline));
        handlers.add(admin(metadata, new CreateTopicsHandler(controller)));
        handlers.add(admin(metadata, new DeleteTopicsHandler(controller)));
        handlers.add(admin(metadata, new CreatePartitionsHandler(controller)));
        handlers.add(admin(metadata, new IncrementalAlterConfigsHandler(controller)));
        handlers.add(admin(metadata, new AlterConfigsHandler(controller)));
        handlers.add(admin(metadata, new UnregisterBrokerHandler(controller)));
        handlers.add(describeQuorum(config, metadata));
        final LeaderHints leaders = new LeaderHints(image);
        handlers.add(new ProduceHandler(partitions, leaders));
        handlers.add(new FetchHandler(partitions, config.fetchSessionCacheSlots(), timer, leaders));
        handlers.add(new ListOffsetsHandler(partitions));
        handlers.add(new DeleteRecordsHandler(partitions, logs::checkpointLogStartOffsetsLater));
        handlers.add(new DescribeConfigsHandler(image, config.nodeId(), config.originals()));
        handlers.add(new DescribeClusterHandler(image));
        handlers.add(new DescribeLogDirsHandler(logs, partitions));
        handlers.add(new InitProducerIdHandler(controller));
        handlers.add(new FindCoordinatorHandler(image, controller, OffsetsTopic.topicSpec(config.originals(), 1)));
        handlers.add(new JoinGroupHandler(groups));
        handlers.add(new SyncGroupHandler(groups));
        handlers.add(new HeartbeatHandler(groups));
        handlers.add(new LeaveGroupHandler(groups));
        handlers.add(new OffsetCommitHandler(groups, image));
        handlers.add(new OffsetFetchHandler(groups, image));
        handlers.add(new OffsetDeleteHandler(groups));
        handlers.add(new ListGroupsHandler(groups));
        handlers.add(new DescribeGroupsHandler(groups));
        handlers.add(new DeleteGroupsHandler(groups));
        handlers.add(new ConsumerGroupHeartbeatHandler(groups));
        handlers.add(new ConsumerGroupDescribeHandler(groups));
        dispatcher[0] = new ApiDispatcher(handlers);
        return dispatcher[0];
    }

    /**
     * DescribeQuorum, which only the quorum leader can answer: forwarded as KRaft brokers do, answered here when
     * this node's controller is the active one (and on the quick-start node, its own quorum of one).
     */
    private static ApiHandler<DescribeQuorumRequestData> describeQuorum(
            final BrokerConfig config, final MetadataSide metadata) {
        final DescribeQuorumHandler local = ControllerEndpoint.describeQuorum(config, metadata::quorumState);
        return metadata.channel() == null
                ? local
                : new ForwardingHandler<>(
                        local,
                        metadata.localActive(),
                        metadata.channel(),
                        Set.of(Errors.NOT_CONTROLLER, Errors.NOT_LEADER_OR_FOLLOWER));
    }

    /** An admin request, forwarded to the active controller when this node's is not the active one. */
    private static <Q extends ApiMessage> ApiHandler<Q> admin(final MetadataSide metadata, final ApiHandler<Q> local) {
        return metadata.channel() == null
                ? local
                : new ForwardingHandler<>(local, metadata.localActive(), metadata.channel());
    }
}
