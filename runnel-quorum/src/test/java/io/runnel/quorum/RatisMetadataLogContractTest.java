package io.runnel.quorum;

import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.log.MetadataLogContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The metadata log's contract, met by a quorum of one voter: it elects itself and commits alone. */
class RatisMetadataLogContractTest extends MetadataLogContractTest {
    @TempDir
    Path root;

    private QuorumFixture quorum;

    @Override
    protected MetadataLog open() {
        if (quorum == null) {
            quorum = new QuorumFixture(root, 1);
        }
        quorum.stop(1);
        return quorum.start(1);
    }

    @AfterEach
    void closeQuorum() {
        if (quorum != null) {
            quorum.close();
        }
    }
}
