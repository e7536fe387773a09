package io.runnel.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.quorum.RatisMetadataLog;
import io.runnel.storage.LogManager;
import org.junit.jupiter.api.Test;

/** The log manager never takes the quorum's directory for a partition, nor deletes it as a stray one. */
class MetadataQuorumDirTest {
    @Test
    void shouldSkipTheDirectoryTheQuorumKeepsItsLogIn() {
        assertThat(LogManager.METADATA_QUORUM_DIR).isEqualTo(RatisMetadataLog.DIR_NAME);
    }
}
