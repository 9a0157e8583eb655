package dev.sealer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.grpc.v1.AuditServiceGrpc;
import dev.sealer.grpc.v1.KeyServiceGrpc;
import dev.sealer.grpc.v1.SealServiceGrpc;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The role policy and identity parsing without a server. */
class AccessPolicyTest {

    static AccessControl control(boolean plaintext, List<String> anonymousRoles) {
        AccessControl a = new AccessControl();
        a.plaintext = plaintext;
        a.anonymousRoles = Optional.of(anonymousRoles);
        a.publicMethods = List.of("sealer.v1.SealService/Verify", "sealer.v1.KeyService/GetTrustBundle", "grpc.health.v1.Health/*");
        a.auditedMethods = Optional.empty();
        a.sealers = Optional.of(List.of("pipeline-a"));
        a.auditors = Optional.of(List.of("audit-team", "pipeline-a"));
        a.keyAdmins = Optional.of(List.of("officer"));
        return a;
    }

    @Test
    void everyRpcOfEveryServiceHasRolesInThePolicy() {
        for (ServiceDescriptor s : List.of(SealServiceGrpc.getServiceDescriptor(), KeyServiceGrpc.getServiceDescriptor(),
                AuditServiceGrpc.getServiceDescriptor(), dev.sealer.grpc.v1.LineageServiceGrpc.getServiceDescriptor())) {
            for (var m : s.getMethods()) {
                assertTrue(AccessControl.POLICY.containsKey(m.getFullMethodName()),
                        m.getFullMethodName() + " has no roles in AccessControl.POLICY: nobody can call it");
            }
        }
    }

    @Test
    void rolesComeFromTheCertificateCommonName_andAMemberMayHoldSeveral() {
        AccessControl a = control(false, List.of());
        assertEquals(Set.of("sealer", "auditor"), a.caller("CN=pipeline-a,O=ml").roles());
        assertEquals(Set.of("key-admin"), a.caller("CN=officer,OU=ops,O=ml").roles());
        assertEquals(Set.of(), a.caller("CN=stranger,O=ml").roles());
        assertEquals(Set.of(), a.caller("O=ml").roles());
        assertEquals(Set.of(), a.caller("CN=pipeline-a,CN=officer,O=ml").roles(), "two CNs are ambiguous: no role");
        assertEquals(Optional.of("a,b"), CallerIdentity.commonName("CN=a\\,b,O=ml"));
    }

    @Test
    void decisions() {
        AccessControl tls = control(false, List.of("sealer", "auditor", "key-admin"));
        var anonymous = tls.caller(null);
        assertEquals(Set.of(), anonymous.roles(), "anonymous-roles apply to plaintext only");
        assertTrue(tls.decide("sealer.v1.SealService/Verify", anonymous).allowed());
        assertTrue(tls.decide("grpc.health.v1.Health/Check", anonymous).allowed());
        assertEquals(Status.Code.UNAUTHENTICATED, tls.decide("sealer.v1.SealService/Seal", anonymous).code());
        assertEquals(Status.Code.PERMISSION_DENIED, tls.decide("sealer.v1.KeyService/ListSuites", tls.caller("CN=stranger")).code());
        assertTrue(tls.decide("sealer.v1.KeyService/ListSuites", tls.caller("CN=officer")).allowed());
        assertEquals(Status.Code.PERMISSION_DENIED, tls.decide("sealer.v1.SealService/Seal", tls.caller("CN=officer")).code());
        assertEquals(Status.Code.PERMISSION_DENIED, tls.decide("sealer.v1.KeyService/NotInThePolicy", tls.caller("CN=officer")).code());

        AccessControl plain = control(true, List.of("sealer"));
        assertTrue(plain.decide("sealer.v1.SealService/Seal", plain.caller(null)).allowed());
        assertEquals(Status.Code.UNAUTHENTICATED, plain.decide("sealer.v1.SealService/GetSeal", plain.caller(null)).code());
    }

    @Test
    void verifyStream_isPublicByDefaultLikeVerify_andWhenMadeNonPublicDeniesCallersWithoutARole() throws Exception {
        String defaults = AccessControl.class.getDeclaredField("publicMethods")
                .getAnnotation(org.eclipse.microprofile.config.inject.ConfigProperty.class).defaultValue();
        List<String> defaultPublic = List.of(defaults.split(","));
        assertTrue(defaultPublic.contains("sealer.v1.SealService/Verify"), defaults);
        assertTrue(defaultPublic.contains("sealer.v1.SealService/VerifyStream"), defaults);
        assertEquals(AccessControl.POLICY.get("sealer.v1.SealService/Verify"), AccessControl.POLICY.get("sealer.v1.SealService/VerifyStream"));

        for (List<String> publicMethods : List.of(defaultPublic, List.of("none"))) {
            AccessControl a = control(false, List.of());
            a.publicMethods = publicMethods;
            for (String subject : java.util.Arrays.asList(null, "CN=stranger,O=ml", "CN=pipeline-a,O=ml", "CN=audit-team", "CN=officer")) {
                var caller = a.caller(subject);
                var verify = a.decide("sealer.v1.SealService/Verify", caller);
                var stream = a.decide("sealer.v1.SealService/VerifyStream", caller);
                assertEquals(verify.allowed(), stream.allowed(), publicMethods + " " + subject);
                assertEquals(verify.code(), stream.code(), publicMethods + " " + subject);
            }
        }
        AccessControl closed = control(false, List.of());
        closed.publicMethods = List.of("none");
        assertEquals(Status.Code.UNAUTHENTICATED, closed.decide("sealer.v1.SealService/VerifyStream", closed.caller(null)).code());
        assertEquals(Status.Code.PERMISSION_DENIED, closed.decide("sealer.v1.SealService/VerifyStream", closed.caller("CN=stranger,O=ml")).code());
        assertTrue(closed.decide("sealer.v1.SealService/VerifyStream", closed.caller("CN=audit-team")).allowed());
    }

    @Test
    void keyAdminOnlyMethodsAreAudited_othersOnlyWhenConfigured() {
        AccessControl a = control(false, List.of());
        assertFalse(a.audited("sealer.v1.KeyService/ListSuites"));
        assertFalse(a.audited("sealer.v1.SealService/Seal"));
        a.auditedMethods = Optional.of(List.of("sealer.v1.AuditService/*"));
        assertTrue(a.audited("sealer.v1.AuditService/ListAuditEvents"));
        assertTrue(AccessControl.POLICY.entrySet().stream().filter(e -> e.getValue().equals(Set.of("key-admin")))
                .allMatch(e -> a.audited(e.getKey())));
    }
}
