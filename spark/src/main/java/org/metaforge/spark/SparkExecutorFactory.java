package org.metaforge.spark;

import java.util.HashMap;
import java.util.Map;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.TrialExecutor;
import org.metaforge.framework.trial.TrialExecutorFactory;

/** {@code --executor spark}: the {@link SparkTrialExecutor}, found through ServiceLoader. */
public final class SparkExecutorFactory implements TrialExecutorFactory {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public TrialExecutor create(Settings settings) throws BadInputException {
        Map<String, String> submitted = new HashMap<>();
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("spark.")) {
                submitted.put(k, System.getProperty(k));
            }
        }
        return new SparkTrialExecutor(SparkSettings.parse(settings.conf(), submitted), settings);
    }
}
