package dev.sealer.bench;

import dev.sealer.core.crypto.SecretBytes;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.crypto.SignatureVerifier;
import dev.sealer.core.crypto.SigningKey;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Raw crypto limits for Sealer. Run with bench/crypto.sh (1 thread and all cores).
 *
 * <ul>
 *   <li>{@code sealer_*}: the production classes ({@link SigningKey}, {@link SignatureVerifier}).</li>
 *   <li>{@code cmp_*}: JDK 25 vs BouncyCastle 1.86 for the same operation, the evidence for the
 *       per-algorithm implementation choice.</li>
 *   <li>{@code conc_*}: how to share a (non-thread-safe) JDK ML-DSA {@link Signature} across
 *       threads: pool (what SigningKey does), ThreadLocal, one instance under a lock, new per call.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class CryptoBenchmark {

    private static final byte[] SEED_A = HexFormat.of().parseHex("1f2e3d4c5b6a79880f1e2d3c4b5a69780123456789abcdeffedcba9876543210");
    private static final byte[] SEED_B = HexFormat.of().parseHex("a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00");

    byte[] message;
    SigningKey ed25519;
    SigningKey mlDsa44;
    SigningKey mlDsa65;
    SigningKey mlDsa87;
    byte[] edPk;
    byte[] edSig;
    byte[] ml65Pk;
    byte[] ml65Sig;

    // comparison objects
    PrivateKey jdkEdPriv;
    PublicKey jdkEdPub;
    PrivateKey jdkMl65Priv;
    PublicKey jdkMl65Pub;
    MLDSAPrivateKeyParameters bcMl65Priv;
    MLDSAPublicKeyParameters bcMl65Pub;
    final SecureRandom random = new SecureRandom();

    // concurrency strategies for the JDK ML-DSA Signature
    Signature lockedSigner;
    final Object lock = new Object();
    ThreadLocal<Signature> perThread;
    final java.util.concurrent.ConcurrentLinkedQueue<Signature> pool = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        message = new byte[300];
        new SecureRandom().nextBytes(message);
        try (SecretBytes a = SecretBytes.copyOf(SEED_A); SecretBytes b = SecretBytes.copyOf(SEED_B)) {
            ed25519 = SigningKey.fromSeed(SignatureAlgorithm.ED25519, a);
            mlDsa44 = SigningKey.fromSeed(SignatureAlgorithm.ML_DSA_44, b);
            mlDsa65 = SigningKey.fromSeed(SignatureAlgorithm.ML_DSA_65, b);
            mlDsa87 = SigningKey.fromSeed(SignatureAlgorithm.ML_DSA_87, b);
        }
        edPk = ed25519.publicKey();
        edSig = ed25519.sign(message);
        ml65Pk = mlDsa65.publicKey();
        ml65Sig = mlDsa65.sign(message);

        KeyFactory edKf = KeyFactory.getInstance("Ed25519");
        jdkEdPriv = edKf.generatePrivate(new PKCS8EncodedKeySpec(
                concat(HexFormat.of().parseHex("302e020100300506032b657004220420"), SEED_A)));
        jdkEdPub = edKf.generatePublic(new X509EncodedKeySpec(
                concat(HexFormat.of().parseHex("302a300506032b6570032100"), edPk)));

        bcMl65Priv = new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, SEED_B);
        bcMl65Pub = bcMl65Priv.getPublicKeyParameters();
        byte[] sk = bcMl65Priv.getParametersWithFormat(MLDSAPrivateKeyParameters.EXPANDED_KEY).getEncoded();
        KeyFactory mlKf = KeyFactory.getInstance("ML-DSA");
        // PKCS#8 v1, AlgorithmIdentifier ml-dsa-65, privateKey OCTET STRING { OCTET STRING expandedKey(4032) }
        jdkMl65Priv = mlKf.generatePrivate(new PKCS8EncodedKeySpec(concat(
                HexFormat.of().parseHex("30820fd8020100300b060960864801650304031204820fc404820fc0"), sk)));
        jdkMl65Pub = mlKf.generatePublic(new X509EncodedKeySpec(
                dev.sealer.core.crypto.PublicKeyCodec.toDer(SignatureAlgorithm.ML_DSA_65, ml65Pk)));

        lockedSigner = Signature.getInstance("ML-DSA");
        lockedSigner.initSign(jdkMl65Priv, random);
        perThread = ThreadLocal.withInitial(() -> {
            try {
                Signature s = Signature.getInstance("ML-DSA");
                s.initSign(jdkMl65Priv, random);
                return s;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        if (!SignatureVerifier.verify(SignatureAlgorithm.ED25519, edPk, message, edSig)
                || !SignatureVerifier.verify(SignatureAlgorithm.ML_DSA_65, ml65Pk, message, ml65Sig)) {
            throw new IllegalStateException("benchmark setup: signatures do not verify");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------ production classes

    @Benchmark
    public byte[] sealer_ed25519_sign() {
        return ed25519.sign(message);
    }

    @Benchmark
    public boolean sealer_ed25519_verify() {
        return SignatureVerifier.verify(SignatureAlgorithm.ED25519, edPk, message, edSig);
    }

    @Benchmark
    public byte[] sealer_mldsa44_sign() {
        return mlDsa44.sign(message);
    }

    @Benchmark
    public byte[] sealer_mldsa65_sign() {
        return mlDsa65.sign(message);
    }

    @Benchmark
    public byte[] sealer_mldsa87_sign() {
        return mlDsa87.sign(message);
    }

    @Benchmark
    public boolean sealer_mldsa65_verify() {
        return SignatureVerifier.verify(SignatureAlgorithm.ML_DSA_65, ml65Pk, message, ml65Sig);
    }

    /** One seal's signatures: Ed25519 + ML-DSA-65 over the same ~300-byte message. */
    @Benchmark
    public byte[][] sealer_dual_sign() {
        return new byte[][] {ed25519.sign(message), mlDsa65.sign(message)};
    }

    @Benchmark
    public boolean sealer_dual_verify() {
        return SignatureVerifier.verify(SignatureAlgorithm.ED25519, edPk, message, edSig)
                & SignatureVerifier.verify(SignatureAlgorithm.ML_DSA_65, ml65Pk, message, ml65Sig);
    }

    // ------------------------------------------------------------ JDK vs BouncyCastle

    @Benchmark
    public byte[] cmp_ed25519_sign_jdk() throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(jdkEdPriv);
        s.update(message);
        return s.sign();
    }

    @Benchmark
    public boolean cmp_ed25519_verify_jdk() throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(jdkEdPub);
        s.update(message);
        return s.verify(edSig);
    }

    @Benchmark
    public byte[] cmp_mldsa65_sign_bc() throws Exception {
        MLDSASigner s = new MLDSASigner();
        s.init(true, new ParametersWithRandom(bcMl65Priv, random));
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    @Benchmark
    public boolean cmp_mldsa65_verify_bc() {
        MLDSASigner s = new MLDSASigner();
        s.init(false, bcMl65Pub);
        s.update(message, 0, message.length);
        return s.verifySignature(ml65Sig);
    }

    @Benchmark
    public boolean cmp_mldsa65_verify_jdk_cachedKey() throws Exception {
        Signature s = Signature.getInstance("ML-DSA");
        s.initVerify(jdkMl65Pub);
        s.update(message);
        return s.verify(ml65Sig);
    }

    // ------------------------------------------------------------ sharing a JDK Signature

    @Benchmark
    public byte[] conc_mldsa65_sign_lock() throws Exception {
        synchronized (lock) {
            lockedSigner.update(message);
            return lockedSigner.sign();
        }
    }

    @Benchmark
    public byte[] conc_mldsa65_sign_threadLocal() throws Exception {
        Signature s = perThread.get();
        s.update(message);
        return s.sign();
    }

    /** The strategy SigningKey uses, without SigningKey's wipe read-lock. */
    @Benchmark
    public byte[] conc_mldsa65_sign_pool() throws Exception {
        Signature s = pool.poll();
        if (s == null) {
            s = Signature.getInstance("ML-DSA");
            s.initSign(jdkMl65Priv, random);
        }
        s.update(message);
        byte[] sig = s.sign();
        pool.offer(s);
        return sig;
    }

    @Benchmark
    public byte[] conc_mldsa65_sign_newPerCall() throws Exception {
        Signature s = Signature.getInstance("ML-DSA");
        s.initSign(jdkMl65Priv, random);
        s.update(message);
        return s.sign();
    }
}
