package dev.sealer.hsm;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The two things SunPKCS11's public API cannot do: find a slot by its token label, and read a
 * key's attributes (CKA_EXTRACTABLE, CKA_SENSITIVE, ...). Both go through the JDK's own PKCS#11
 * wrapper ({@code sun.security.pkcs11.wrapper}), reached by reflection so the build needs no
 * {@code --add-exports}; the JVM does ({@code --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}).
 *
 * <p>The wrapper instance is the one SunPKCS11 itself uses for the same library path, so the
 * library is initialised once per process.
 */
final class Pkcs11Wrapper {

    static final long CKO_SECRET_KEY = 4L;
    static final long CKA_CLASS = 0x0L;
    static final long CKA_PRIVATE = 0x2L;
    static final long CKA_LABEL = 0x3L;
    static final long CKA_VALUE = 0x11L;
    static final long CKA_KEY_TYPE = 0x100L;
    static final long CKA_SENSITIVE = 0x103L;
    static final long CKA_SIGN = 0x108L;
    static final long CKA_VALUE_LEN = 0x161L;
    static final long CKA_EXTRACTABLE = 0x162L;
    static final long CKK_GENERIC_SECRET = 0x10L;
    static final long CKF_SERIAL_SESSION = 0x4L;

    private static final String PKG = "sun.security.pkcs11.wrapper.";

    private final Object p11;
    private final Class<?> attrClass;
    private final Constructor<?> attrTypeOnly;
    private final Constructor<?> attrLong;
    private final Constructor<?> attrChars;

    private Pkcs11Wrapper(Object p11) throws ReflectiveOperationException {
        this.p11 = p11;
        this.attrClass = Class.forName(PKG + "CK_ATTRIBUTE");
        this.attrTypeOnly = attrClass.getConstructor(long.class);
        this.attrLong = attrClass.getConstructor(long.class, long.class);
        this.attrChars = attrClass.getConstructor(long.class, Object.class);
    }

    /** Loads (or reuses) the PKCS#11 module at {@code library}. */
    static Pkcs11Wrapper load(String library) {
        try {
            Class<?> pkcs11 = Class.forName(PKG + "PKCS11");
            Class<?> initArgs = Class.forName(PKG + "CK_C_INITIALIZE_ARGS");
            Method getInstance = pkcs11.getMethod("getInstance", String.class, String.class, initArgs, boolean.class);
            return new Pkcs11Wrapper(getInstance.invoke(null, library, "C_GetFunctionList", null, false));
        } catch (IllegalAccessException | IllegalAccessError e) {
            throw new HsmException(HsmException.Kind.CONFIGURATION,
                    "the JVM must be started with --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED", e);
        } catch (InvocationTargetException e) {
            throw new HsmException(HsmException.Kind.CONFIGURATION,
                    "cannot load PKCS#11 library " + library + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new HsmException(HsmException.Kind.CONFIGURATION, "the JDK's PKCS#11 wrapper is not available: " + e, e);
        }
    }

    /** Slot ids whose token carries {@code label} (labels are blank-padded to 32 bytes in PKCS#11). */
    List<Long> slotsWithTokenLabel(String label) {
        List<Long> result = new ArrayList<>();
        for (long slot : (long[]) call("C_GetSlotList", new Class<?>[] {boolean.class}, true)) {
            Object info = call("C_GetTokenInfo", new Class<?>[] {long.class}, slot);
            try {
                char[] raw = (char[]) info.getClass().getField("label").get(info);
                if (new String(raw).strip().equals(label)) {
                    result.add(slot);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return result;
    }

    /** Every token label present, for error messages. */
    List<String> tokenLabels() {
        List<String> result = new ArrayList<>();
        for (long slot : (long[]) call("C_GetSlotList", new Class<?>[] {boolean.class}, true)) {
            Object info = call("C_GetTokenInfo", new Class<?>[] {long.class}, slot);
            try {
                result.add(new String((char[]) info.getClass().getField("label").get(info)).strip());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return result;
    }

    /** Attributes of the secret keys labelled {@code label}; the token must already be logged in. */
    List<SecretKeyAttributes> secretKeysWithLabel(long slot, String label) {
        long session = (long) call("C_OpenSession",
                new Class<?>[] {long.class, long.class, Object.class, wrapperClass("CK_NOTIFY")}, slot, CKF_SERIAL_SESSION, null, null);
        try {
            Object template = java.lang.reflect.Array.newInstance(attrClass, 2);
            java.lang.reflect.Array.set(template, 0, attrLong.newInstance(CKA_CLASS, CKO_SECRET_KEY));
            java.lang.reflect.Array.set(template, 1, attrChars.newInstance(CKA_LABEL, (Object) label.toCharArray()));
            Class<?> arrayClass = template.getClass();
            call("C_FindObjectsInit", new Class<?>[] {long.class, arrayClass}, session, template);
            long[] handles = (long[]) call("C_FindObjects", new Class<?>[] {long.class, long.class}, session, 16L);
            call("C_FindObjectsFinal", new Class<?>[] {long.class}, session);
            List<SecretKeyAttributes> result = new ArrayList<>();
            for (long handle : handles) {
                Object attrs = java.lang.reflect.Array.newInstance(attrClass, 6);
                long[] types = {CKA_EXTRACTABLE, CKA_SENSITIVE, CKA_SIGN, CKA_VALUE_LEN, CKA_KEY_TYPE, CKA_PRIVATE};
                for (int i = 0; i < types.length; i++) {
                    java.lang.reflect.Array.set(attrs, i, attrTypeOnly.newInstance(types[i]));
                }
                call("C_GetAttributeValue", new Class<?>[] {long.class, long.class, arrayClass}, session, handle, attrs);
                result.add(new SecretKeyAttributes(
                        bool(java.lang.reflect.Array.get(attrs, 0)), bool(java.lang.reflect.Array.get(attrs, 1)),
                        bool(java.lang.reflect.Array.get(attrs, 2)), longValue(java.lang.reflect.Array.get(attrs, 3)),
                        longValue(java.lang.reflect.Array.get(attrs, 4)), bool(java.lang.reflect.Array.get(attrs, 5)),
                        canReadValue(session, handle, arrayClass)));
            }
            return result;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } finally {
            call("C_CloseSession", new Class<?>[] {long.class}, session);
        }
    }

    /** True when the token hands out CKA_VALUE for the object: the key material would leave the HSM. */
    private boolean canReadValue(long session, long handle, Class<?> arrayClass) throws ReflectiveOperationException {
        Object attrs = java.lang.reflect.Array.newInstance(attrClass, 1);
        java.lang.reflect.Array.set(attrs, 0, attrTypeOnly.newInstance(CKA_VALUE));
        try {
            call("C_GetAttributeValue", new Class<?>[] {long.class, long.class, arrayClass}, session, handle, attrs);
        } catch (HsmException e) {
            return false;
        }
        Object value = attrClass.getField("pValue").get(java.lang.reflect.Array.get(attrs, 0));
        if (value instanceof byte[] bytes) {
            java.util.Arrays.fill(bytes, (byte) 0);
            return bytes.length > 0;
        }
        return value != null;
    }

    private boolean bool(Object attr) throws ReflectiveOperationException {
        return (boolean) attrClass.getMethod("getBoolean").invoke(attr);
    }

    private long longValue(Object attr) throws ReflectiveOperationException {
        return (long) attrClass.getMethod("getLong").invoke(attr);
    }

    private Object call(String name, Class<?>[] types, Object... args) {
        try {
            return Class.forName(PKG + "PKCS11").getMethod(name, types).invoke(p11, args);
        } catch (InvocationTargetException e) {
            throw new HsmException(HsmException.Kind.UNAVAILABLE, name + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    record SecretKeyAttributes(boolean extractable, boolean sensitive, boolean sign, long valueLength, long keyType,
            boolean isPrivate, boolean valueReadable) {
        String label(long type) {
            return type == CKK_GENERIC_SECRET ? "CKK_GENERIC_SECRET" : "key type 0x" + Long.toHexString(type);
        }
    }

    private static Class<?> wrapperClass(String simpleName) {
        try {
            return Class.forName(PKG + simpleName);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
