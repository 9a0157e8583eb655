package dev.sealer.core.error;

/**
 * A request that names something wrong (a seal that does not exist, a graph the policy refuses): always answered
 * {@code INVALID_ARGUMENT}, whatever its reason. {@code UNKNOWN_SEAL} on its own means "no such seal" ({@code NOT_FOUND});
 * a meta-seal request naming a seal that does not exist is a wrong request, like {@code UNKNOWN_PARENT}.
 */
public class InvalidRequestException extends SealerException {
    public InvalidRequestException(Reason reason, String message) {
        super(reason, message);
    }
}
