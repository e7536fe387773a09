package io.runnel.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The broker's properties from their three sources, later ones winning: the {@code --config} file, environment
 * variables {@code RUNNEL_<NAME>} (upper case, dots as underscores: {@code RUNNEL_LOG_DIRS} is {@code log.dirs}),
 * and {@code --override name=value} flags.
 */
record ServerOptions(Map<String, String> properties) {
    private static final String ENV_PREFIX = "RUNNEL_";

    static ServerOptions parse(final List<String> args, final Map<String, String> env) throws IOException {
        Path configFile = null;
        final Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            switch (arg) {
                case "--config", "-c" -> configFile = Path.of(value(args, ++i, arg));
                case "--override", "-o" -> {
                    final String pair = value(args, ++i, arg);
                    final int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--override expects name=value, got '" + pair + "'");
                    }
                    overrides.put(
                            pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
                default -> throw new IllegalArgumentException("Unknown option '" + arg + "'");
            }
        }
        final Map<String, String> props = new LinkedHashMap<>();
        if (configFile != null) {
            final Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile)) {
                file.load(reader);
            }
            file.stringPropertyNames()
                    .forEach(name -> props.put(name, file.getProperty(name).trim()));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                props.put(
                        name.substring(ENV_PREFIX.length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        value);
            }
        });
        props.putAll(overrides);
        return new ServerOptions(Map.copyOf(props));
    }

    private static String value(final List<String> args, final int i, final String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
