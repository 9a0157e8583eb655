package dev.sealer.grpc;

import io.grpc.Context;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is calling: the subject (RFC 2253) of the client's verified TLS certificate, else
 * {@value #ANONYMOUS}. {@link AccessControl} puts it into the gRPC context; it is what receipts
 * record as the signer and what the audit trail records as the actor.
 */
public final class CallerIdentity {
    public static final String ANONYMOUS = "anonymous";
    static final Context.Key<String> KEY = Context.key("sealer-caller");

    private CallerIdentity() {
    }

    public static String current() {
        String id = KEY.get();
        return id == null ? ANONYMOUS : id;
    }

    /** The subject of the peer's certificate, or null when the channel is plaintext or the client sent none. */
    static String certificate(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                return x.getSubjectX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException noClientCertificate) {
            return null;
        }
        return null;
    }

    /** The one common name (CN) of an RFC 2253 subject; empty when there is none or more than one. */
    static Optional<String> commonName(String subject) {
        try {
            String found = null;
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    if (found != null) {
                        return Optional.empty();
                    }
                    found = String.valueOf(rdn.getValue());
                }
            }
            return Optional.ofNullable(found);
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
