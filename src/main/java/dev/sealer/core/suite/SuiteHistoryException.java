package dev.sealer.core.suite;

/** A suite event history that breaks the lifecycle: names the offending event by suite, type and position. */
public final class SuiteHistoryException extends IllegalStateException {
    private final String suiteId;
    private final SuiteEvent.Type type;
    private final int position;

    public SuiteHistoryException(String suiteId, SuiteEvent.Type type, int position, String problem) {
        super("suite event #" + position + " (" + type + " of suite " + suiteId + "): " + problem);
        this.suiteId = suiteId;
        this.type = type;
        this.position = position;
    }

    public String suiteId() {
        return suiteId;
    }

    public SuiteEvent.Type type() {
        return type;
    }

    /** Zero-based index of the event in the folded history. */
    public int position() {
        return position;
    }
}
