package org.metaforge.framework.trial;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;

/** The parent's end of {@link TrialChannel}: answers a worker's store requests from a store. */
final class TrialStoreServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrialStore store;

    TrialStoreServer(TrialStore store) {
        this.store = store;
    }

    /** The reply to one request; failures become an {@code ERROR} reply. */
    Frame serve(Frame request) {
        try {
            return answer(request);
        } catch (RuntimeException e) {
            return Frame.of(TrialChannel.ERROR, String.valueOf(e.getMessage()));
        }
    }

    private Frame answer(Frame r) {
        switch (r.op()) {
            case TrialChannel.GET_RESULT:
                return reply(store.result(key(r)).map(Envelope::encode));
            case TrialChannel.PUT_RESULT:
                store.putResult(
                        key(r), Envelope.decode(r.parts().get(1)), summary(r.parts().get(2)));
                return Frame.of(TrialChannel.OK);
            case TrialChannel.GET_ARTIFACT:
                return reply(store.artifact(r.text(0), r.text(1)));
            case TrialChannel.PUT_ARTIFACT:
                store.putArtifact(key(r), r.text(1), r.parts().get(2));
                return Frame.of(TrialChannel.OK);
            case TrialChannel.GET_CHECKPOINT:
                return reply(store.checkpoint(key(r), r.text(1)));
            case TrialChannel.PUT_CHECKPOINT:
                store.putCheckpoint(key(r), r.text(1), r.parts().get(2));
                return Frame.of(TrialChannel.OK);
            case TrialChannel.DELETE_CHECKPOINTS:
                store.deleteCheckpoints(key(r));
                return Frame.of(TrialChannel.OK);
            default:
                throw new IllegalArgumentException("unknown request " + r.op());
        }
    }

    private static CacheKey key(Frame r) {
        return CacheKey.parse(r.text(0));
    }

    private static Frame reply(Optional<byte[]> value) {
        return value.map(v -> Frame.of(TrialChannel.OK, (Object) v))
                .orElseGet(() -> Frame.of(TrialChannel.NONE));
    }

    static String summaryJson(Map<String, String> summary) {
        try {
            return JSON.writeValueAsString(summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> summary(byte[] json) {
        try {
            return JSON.readValue(
                    json, new TypeReference<java.util.LinkedHashMap<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
