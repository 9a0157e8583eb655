package dev.sealer.grpc;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import dev.sealer.app.audit.AuditTrail;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Who may do what: the one gRPC interceptor that authenticates the caller, authorises the
 * method against {@link #POLICY} and audits denied calls and key-admin actions.
 *
 * <ul>
 * <li>Identity: the subject of the client's TLS certificate (the gRPC server verifies it against
 * its trust store), or {@value CallerIdentity#ANONYMOUS} without one. It becomes
 * {@link CallerIdentity#current()}, which receipts record as the signer.</li>
 * <li>Roles: a certificate's common name (CN) is looked up in {@code sealer.auth.roles.<role>}
 * (a list of CNs per role). Anonymous callers get {@code sealer.auth.anonymous-roles}, and only
 * when {@code sealer.auth.plaintext=true}.</li>
 * <li>Public methods ({@code sealer.auth.public-methods}, default Verify, VerifyStream, GetTrustBundle, health,
 * reflection) need no role and no certificate.</li>
 * <li>Otherwise: no certificate → UNAUTHENTICATED; a certificate without a role the method
 * accepts → PERMISSION_DENIED; a method missing from the policy → PERMISSION_DENIED for everyone.</li>
 * </ul>
 * Denials and calls to key-admin methods (and {@code sealer.auth.audited-methods}) are written
 * to {@code audit_events} through {@link AuditTrail} (asynchronously, at most once).
 */
@ApplicationScoped
@GlobalInterceptor
public class AccessControl implements ServerInterceptor, Prioritized {
    public static final String SEALER = "sealer";
    public static final String AUDITOR = "auditor";
    public static final String KEY_ADMIN = "key-admin";
    public static final Set<String> ROLES = Set.of(SEALER, AUDITOR, KEY_ADMIN);
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    public static final String PERMISSION_DENIED = "PERMISSION_DENIED";
    private static final Set<String> ANY_ROLE = ROLES;

    /**
     * Full gRPC method name → the roles that may call it. A method that is not listed is denied to
     * every caller (unless public), so a new RPC is unreachable until it is given roles here.
     * Methods whose only role is key-admin are admin actions and always audited.
     */
    public static final Map<String, Set<String>> POLICY = Map.ofEntries(
            Map.entry("sealer.v1.SealService/Seal", Set.of(SEALER)),
            Map.entry("sealer.v1.SealService/SealStream", Set.of(SEALER)),
            Map.entry("sealer.v1.SealService/Verify", ANY_ROLE),
            Map.entry("sealer.v1.SealService/VerifyStream", ANY_ROLE),
            Map.entry("sealer.v1.SealService/GetSeal", Set.of(AUDITOR)),
            Map.entry("sealer.v1.SealService/ListSeals", Set.of(AUDITOR)),
            Map.entry("sealer.v1.KeyService/GetTrustBundle", ANY_ROLE),
            Map.entry("sealer.v1.KeyService/ListSuites", Set.of(AUDITOR, KEY_ADMIN)),
            Map.entry("sealer.v1.KeyService/RotateSuite", Set.of(KEY_ADMIN)),
            Map.entry("sealer.v1.KeyService/RevokeSuite", Set.of(KEY_ADMIN)),
            Map.entry("sealer.v1.KeyService/ResealAffected", Set.of(KEY_ADMIN)),
            Map.entry("sealer.v1.KeyService/ListAffectedSeals", Set.of(AUDITOR, KEY_ADMIN)),
            Map.entry("sealer.v1.LogService/GetCheckpoint", Set.of(AUDITOR)),
            Map.entry("sealer.v1.LogService/GetInclusionProof", Set.of(AUDITOR)),
            Map.entry("sealer.v1.LogService/GetConsistencyProof", Set.of(AUDITOR)),
            Map.entry("sealer.v1.LogService/RunIntegritySweep", Set.of(AUDITOR, KEY_ADMIN)),
            Map.entry("sealer.v1.AuditService/ListAuditEvents", Set.of(AUDITOR)),
            Map.entry("sealer.v1.AuditService/MaterializeEvidence", Set.of(AUDITOR)),
            Map.entry("sealer.v1.TimestampService/Timestamp", Set.of(SEALER)),
            Map.entry("sealer.v1.LineageService/CreateMetaSeal", Set.of(SEALER)),
            Map.entry("sealer.v1.FormatService/SealModel", Set.of(SEALER)),
            Map.entry("sealer.v1.LineageService/VerifyLineage", ANY_ROLE),
            Map.entry("sealer.v1.LineageService/GetLineageFile", Set.of(AUDITOR)),
            Map.entry("sealer.v1.LineageService/ListLineage", Set.of(AUDITOR)));

    private static final Logger LOG = Logger.getLogger(AccessControl.class);
    private static final int PRIORITY = 1_000_000; // outermost: decide before any other interceptor or service code runs

    @Inject
    AuditTrail audit;
    @Inject
    Config config;
    @ConfigProperty(name = "sealer.auth.plaintext", defaultValue = "false")
    boolean plaintext;
    @ConfigProperty(name = "sealer.auth.anonymous-roles")
    Optional<List<String>> anonymousRoles;
    @ConfigProperty(name = "sealer.auth.public-methods", defaultValue = "sealer.v1.SealService/Verify,sealer.v1.SealService/VerifyStream,sealer.v1.KeyService/GetTrustBundle,"
            + "grpc.health.v1.Health/*,grpc.reflection.v1.ServerReflection/*,grpc.reflection.v1alpha.ServerReflection/*")
    List<String> publicMethods;
    @ConfigProperty(name = "sealer.auth.audited-methods")
    Optional<List<String>> auditedMethods;
    @ConfigProperty(name = "sealer.auth.roles.sealer")
    Optional<List<String>> sealers;
    @ConfigProperty(name = "sealer.auth.roles.auditor")
    Optional<List<String>> auditors;
    @ConfigProperty(name = "sealer.auth.roles.key-admin")
    Optional<List<String>> keyAdmins;

    /** A caller as the policy sees it; {@code certificate} is false for anonymous callers. */
    record Caller(String identity, boolean certificate, Set<String> roles) {
    }

    /** The policy's answer: allowed, or the status and reason to refuse with. */
    record Decision(boolean allowed, Status.Code code, String reason, String message) {
        static final Decision ALLOW = new Decision(true, Status.Code.OK, null, null);
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    /** Refuses to start on a configuration that would leave the service open or unreachable. */
    void validate(@Observes StartupEvent ignored) {
        Set<String> unknown = new TreeSet<>(anonymousRoles.orElse(List.of()));
        unknown.removeAll(ROLES);
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("sealer.auth.anonymous-roles names unknown role(s) " + unknown + "; roles are " + new TreeSet<>(ROLES));
        }
        boolean tls = config.getOptionalValue("quarkus.grpc.server.ssl.certificate", String.class).isPresent()
                || config.getOptionalValue("quarkus.grpc.server.ssl.key-store", String.class).isPresent();
        String clientAuth = config.getOptionalValue("quarkus.grpc.server.ssl.client-auth", String.class).orElse("NONE");
        boolean trustStore = config.getOptionalValue("quarkus.grpc.server.ssl.trust-store", String.class).isPresent();
        if (plaintext) {
            if (tls) {
                throw new IllegalStateException("sealer.auth.plaintext=true but quarkus.grpc.server.ssl.* configures TLS; choose one");
            }
            LOG.warnf("gRPC server on %s without TLS (sealer.auth.plaintext=true): every caller is '%s' with roles %s",
                    address(), CallerIdentity.ANONYMOUS, new TreeSet<>(anonymousRoles.orElse(List.of())));
            return;
        }
        if (!tls) {
            throw new IllegalStateException("the gRPC server has no TLS certificate: set quarkus.grpc.server.ssl.certificate and .key, "
                    + ".trust-store (PKCS#12 or JKS with the client CA) and .client-auth=REQUEST — or sealer.auth.plaintext=true "
                    + "for a trusted test network (see docs/security.md)");
        }
        if (!trustStore || clientAuth.equalsIgnoreCase("NONE")) {
            throw new IllegalStateException("mutual TLS needs quarkus.grpc.server.ssl.trust-store (the CA that issues client certificates; "
                    + "never the JDK's default CAs) and quarkus.grpc.server.ssl.client-auth=REQUEST or REQUIRED (is " + clientAuth + ")");
        }
        LOG.infof("gRPC server on %s over mutual TLS (client-auth %s); role members: sealer %s, auditor %s, key-admin %s", address(), clientAuth,
                sealers.orElse(List.of()), auditors.orElse(List.of()), keyAdmins.orElse(List.of()));
    }

    /**
     * The address the gRPC server binds: {@code quarkus.grpc.server.host} (default 0.0.0.0, every interface) and its
     * port. This service's own line replaces Quarkus's start line, whose "TLS enabled" only reflects
     * {@code quarkus.grpc.server.plain-text} and not the TLS the server actually applies (application.properties).
     */
    private String address() {
        boolean test = io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.TEST;
        int port = config.getOptionalValue(test ? "quarkus.grpc.server.test-port" : "quarkus.grpc.server.port", Integer.class).orElse(test ? 9001 : 9000);
        return config.getOptionalValue("quarkus.grpc.server.host", String.class).orElse("0.0.0.0") + ":" + port;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Caller caller = caller(CallerIdentity.certificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
        Decision decision = decide(method, caller);
        if (!decision.allowed()) {
            audit.record(caller.identity(), method, null, decision.reason(), decision.message() + "; peer " + peer(call));
            StatusRuntimeException e = ErrorMapper.status(decision.code(), decision.reason(), decision.message());
            call.close(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        Context context = Context.current().withValue(CallerIdentity.KEY, caller.identity());
        if (!audited(method)) {
            return Contexts.interceptCall(context, call, headers, next);
        }
        AtomicReference<String> target = new AtomicReference<>();
        ServerCall<Q, R> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                String detail = (status.getDescription() == null ? "" : status.getDescription() + "; ") + "peer " + peer(call);
                audit.record(caller.identity(), method, target.get(), status.getCode().name(), detail);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, observed, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                if (target.get() == null && message instanceof MessageOrBuilder m) {
                    target.set(TextFormat.printer().emittingSingleLine(true).printToString(m));
                }
                super.onMessage(message);
            }
        };
    }

    /** The caller behind a verified client certificate subject (RFC 2253), or anonymous when null. */
    Caller caller(String subject) {
        if (subject == null) {
            return new Caller(CallerIdentity.ANONYMOUS, false, plaintext ? Set.copyOf(anonymousRoles.orElse(List.of())) : Set.of());
        }
        Set<String> roles = new HashSet<>();
        Optional<String> cn = CallerIdentity.commonName(subject);
        if (cn.isPresent()) {
            if (sealers.orElse(List.of()).contains(cn.get())) {
                roles.add(SEALER);
            }
            if (auditors.orElse(List.of()).contains(cn.get())) {
                roles.add(AUDITOR);
            }
            if (keyAdmins.orElse(List.of()).contains(cn.get())) {
                roles.add(KEY_ADMIN);
            }
        }
        return new Caller(subject, true, Set.copyOf(roles));
    }

    Decision decide(String method, Caller caller) {
        if (isPublic(method)) {
            return Decision.ALLOW;
        }
        Set<String> allowed = POLICY.getOrDefault(method, Set.of());
        if (caller.roles().stream().anyMatch(allowed::contains)) {
            return Decision.ALLOW;
        }
        if (!caller.certificate()) {
            return new Decision(false, Status.Code.UNAUTHENTICATED, UNAUTHENTICATED,
                    method + " needs a client certificate with role " + describe(allowed));
        }
        String message = allowed.isEmpty() ? method + " is not open to any role" : method + " needs role " + describe(allowed);
        return new Decision(false, Status.Code.PERMISSION_DENIED, PERMISSION_DENIED,
                message + "; " + caller.identity() + " has " + (caller.roles().isEmpty() ? "no role" : describe(caller.roles())));
    }

    boolean isPublic(String method) {
        return matches(publicMethods, method);
    }

    boolean audited(String method) {
        return POLICY.getOrDefault(method, Set.of()).equals(Set.of(KEY_ADMIN)) || matches(auditedMethods.orElse(List.of()), method);
    }

    /** Entries are full method names ({@code pkg.Service/Method}) or a whole service ({@code pkg.Service/*}); {@code none} matches nothing. */
    private static boolean matches(List<String> entries, String method) {
        for (String e : entries) {
            String entry = e.strip();
            if (entry.equals(method) || (entry.endsWith("/*") && method.startsWith(entry.substring(0, entry.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Set<String> roles) {
        return String.join(" or ", new TreeSet<>(roles));
    }

    private static String peer(ServerCall<?, ?> call) {
        return String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    }
}
