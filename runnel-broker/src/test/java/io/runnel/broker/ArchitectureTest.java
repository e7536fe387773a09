package io.runnel.broker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module rules of {@code docs/architecture.md}, checked over every main class of Runnel below
 * {@code runnel-server} (this module's test class path holds all of them; the server is {@code main} and
 * configuration, above everything). Maven's module dependencies already keep a module from compiling against one it does
 * not declare; these rules also hold when somebody adds a dependency to a pom to make an import compile.
 */
@AnalyzeClasses(packages = "io.runnel", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] DOMAIN = {
        "io.runnel.storage..",
        "io.runnel.metadata..",
        "io.runnel.quorum..",
        "io.runnel.replication..",
        "io.runnel.coordinator.."
    };

    @ArchTest
    static final ArchRule nettyStaysInTheNetworkModule = noClasses()
            .that()
            .resideOutsideOfPackage("io.runnel.network..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.netty..")
            .because("the network edge is the one place that knows Netty; everything behind it is plain Java");

    @ArchTest
    static final ArchRule domainModulesNeverSeeTheEdge = noClasses()
            .that()
            .resideInAnyPackage(DOMAIN)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.runnel.network..", "io.runnel.protocol..", "io.runnel.broker..", "io.runnel.server..")
            .because("storage, metadata, replication and coordinators are driven by handlers, never the reverse");

    @ArchTest
    static final ArchRule theEdgeNeverSeesTheDomain = noClasses()
            .that()
            .resideInAnyPackage("io.runnel.network..", "io.runnel.protocol..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(DOMAIN)
            .because("requests reach the domain only through a handler");

    @ArchTest
    static final ArchRule onlyHandlersAndTheCompositionRootSeeTheProtocolLayer = noClasses()
            .that()
            .resideOutsideOfPackages("io.runnel.broker.api..", "io.runnel.network..", "io.runnel.protocol..")
            .and()
            .doNotHaveFullyQualifiedName(Broker.class.getName())
            .and()
            .doNotHaveFullyQualifiedName(ControllerEndpoint.class.getName())
            .and()
            .doNotHaveFullyQualifiedName(BrokerApis.class.getName())
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.runnel.protocol..")
            .because("handlers are the only code that sees both the protocol layer and the domain modules; the"
                    + " composition root (Broker, BrokerApis and ControllerEndpoint for the listeners) wires them");

    @ArchTest
    static final ArchRule storageDependsOnNoOtherRunnelModule = noClasses()
            .that()
            .resideInAPackage("io.runnel.storage..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.runnel.metadata..",
                    "io.runnel.replication..",
                    "io.runnel.coordinator..",
                    "io.runnel.network..",
                    "io.runnel.protocol..",
                    "io.runnel.broker..",
                    "io.runnel.server..");

    @ArchTest
    static final ArchRule modulesDependOneWay = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("broker")
            .definedBy("io.runnel.broker..")
            .layer("network")
            .definedBy("io.runnel.network..")
            .layer("protocol")
            .definedBy("io.runnel.protocol..")
            .layer("coordinator")
            .definedBy("io.runnel.coordinator..")
            .layer("replication")
            .definedBy("io.runnel.replication..")
            .layer("quorum")
            .definedBy("io.runnel.quorum..")
            .layer("metadata")
            .definedBy("io.runnel.metadata..")
            .layer("storage")
            .definedBy("io.runnel.storage..")
            .whereLayer("broker")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("network")
            .mayOnlyBeAccessedByLayers("broker")
            .whereLayer("protocol")
            .mayOnlyBeAccessedByLayers("network", "broker")
            .whereLayer("coordinator")
            .mayOnlyBeAccessedByLayers("broker")
            .whereLayer("replication")
            .mayOnlyBeAccessedByLayers("coordinator", "broker")
            .whereLayer("quorum")
            .mayOnlyBeAccessedByLayers("broker")
            .whereLayer("metadata")
            .mayOnlyBeAccessedByLayers("quorum", "replication", "coordinator", "broker")
            .whereLayer("storage")
            .mayOnlyBeAccessedByLayers("metadata", "replication", "coordinator", "broker");

    @ArchTest
    static final ArchRule packagesHaveNoCycles =
            slices().matching("io.runnel.(*)..").should().beFreeOfCycles();
}
