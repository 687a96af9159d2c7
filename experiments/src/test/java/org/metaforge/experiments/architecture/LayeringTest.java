package org.metaforge.experiments.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The module arrows of DESIGN.md section 1, checked on the compiled classes. */
class LayeringTest {

    private static final JavaClasses MAIN =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("org.metaforge");

    @Test
    void sdkKnowsNoFrameworkStoreGuiceMapdbCliOrEngineInternals() {
        noClasses()
                .that()
                .resideInAPackage("org.metaforge.sdk..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.metaforge.framework..",
                        "org.metaforge.store..",
                        "org.metaforge.experiments..",
                        "com.google.inject..",
                        "org.mapdb..",
                        "org.apache.commons.cli..",
                        "ai.djl.pytorch..",
                        "com.fasterxml.jackson..")
                .check(MAIN);
    }

    @Test
    void storeKnowsNoFrameworkNorCli() {
        noClasses()
                .that()
                .resideInAPackage("org.metaforge.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.metaforge.framework..",
                        "org.metaforge.experiments..",
                        "com.google.inject..")
                .check(MAIN);
    }

    @Test
    void frameworkKnowsNoCli() {
        noClasses()
                .that()
                .resideInAPackage("org.metaforge.framework..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.metaforge.experiments..", "org.apache.commons.cli..")
                .check(MAIN);
    }

    @Test
    void pluginsKnowOnlyTheSdkAndTheEngineApi() throws Exception {
        Path plugins = Path.of(System.getProperty("metaforge.repo", "..")).resolve("plugins");
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(plugins)) {
            classDirs = s.map(p -> p.resolve("target/classes")).filter(Files::isDirectory).toList();
        }
        Assertions.assertFalse(classDirs.isEmpty(), "plugins are built before experiments");
        JavaClasses pluginClasses = new ClassFileImporter().importPaths(classDirs);
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.metaforge.framework..",
                        "org.metaforge.store..",
                        "org.metaforge.experiments..",
                        "com.google.inject..",
                        "org.mapdb..",
                        "ai.djl.pytorch..")
                .check(pluginClasses);
    }
}
