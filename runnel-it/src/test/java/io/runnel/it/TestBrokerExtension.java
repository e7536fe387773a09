package io.runnel.it;

import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker for all tests of a class, over a temp dir deleted afterwards:
 * {@code @RegisterExtension static final TestBrokerExtension BROKER = new TestBrokerExtension("name", "value");}
 */
public final class TestBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private final String[] overrides;
    private Path dir;
    private TestBroker broker;

    public TestBrokerExtension(final String... overrides) {
        this.overrides = overrides.clone();
    }

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("runnel-test-broker");
        broker = TestBroker.start(dir, overrides);
    }

    @Override
    public void afterAll(final ExtensionContext context) throws IOException {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    public TestBroker broker() {
        return broker;
    }

    public int port() {
        return broker.port();
    }
}
