package io.runnel.bench;

import java.util.Properties;

/** Client configs from name-value pairs, for the benchmarks' producers, consumers and admins. */
final class ClientProps {
    private ClientProps() {}

    static Properties of(final Object... pairs) {
        final Properties props = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], String.valueOf(pairs[i + 1]));
        }
        return props;
    }
}
