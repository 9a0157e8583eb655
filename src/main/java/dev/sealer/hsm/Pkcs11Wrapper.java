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
    static final long CKR_OK = 0x0L;
    static final long CKR_CRYPTOKI_NOT_INITIALIZED = 0x190L;
    static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191L;
    static final long CKF_SERIAL_SESSION = 0x4L;
    static final long CKF_RW_SESSION = 0x2L;
    static final long CKO_PRIVATE_KEY = 3L;
    static final long CKO_CERTIFICATE = 1L;
    static final long CKA_TOKEN = 0x1L;
    static final long CKA_ID = 0x102L;
    static final long CKA_VERIFY = 0x10aL;
    static final long CKA_LOCAL = 0x163L;
    static final long CKA_NEVER_EXTRACTABLE = 0x164L;
    static final long CKA_ALWAYS_SENSITIVE = 0x165L;
    static final long CKA_MODIFIABLE = 0x170L;
    static final long CKK_EC = 0x3L;
    static final long CKM_GENERIC_SECRET_KEY_GEN = 0x350L;

    private static final String PKG = "sun.security.pkcs11.wrapper.";

    private final Object p11;
    private final String library;
    private final Class<?> attrClass;
    private final Constructor<?> attrTypeOnly;
    private final Constructor<?> attrLong;
    private final Constructor<?> attrChars;

    private Pkcs11Wrapper(String library, Object p11) throws ReflectiveOperationException {
        this.library = library;
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
            return new Pkcs11Wrapper(library, getInstance.invoke(null, library, "C_GetFunctionList", null, false));
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

    /**
     * Finalises and initialises the module again (C_Finalize, C_Initialize with NULL arguments,
     * as the JDK first initialised it): every session of this process on it ends, and the module
     * reads its tokens afresh (a SoftHSM2 token whose files were away is only seen again this
     * way). Callers must log in and find their objects again afterwards.
     *
     * <p>The JDK's wrapper keeps C_Initialize to itself, so both calls go through the module's
     * own function list (C_GetFunctionList, the one symbol every PKCS#11 module exports) with the
     * foreign-function API; the library is the one already loaded in this process, so it is the
     * same module state SunPKCS11 uses.
     */
    void reinitialize() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var address = java.lang.foreign.ValueLayout.ADDRESS;
            var rv = java.lang.foreign.ValueLayout.JAVA_LONG; // CK_RV: unsigned long, 64 bits on LP64
            // CK_FUNCTION_LIST: CK_VERSION (2 bytes, padded to the pointer size), then C_Initialize, C_Finalize, ...
            var list = functionList(arena);
            var oneArgument = java.lang.foreign.FunctionDescriptor.of(rv, address);
            var finalize = linker.downcallHandle(list.get(address, 2 * address.byteSize()), oneArgument);
            var initialize = linker.downcallHandle(list.get(address, address.byteSize()), oneArgument);
            long finalized = (long) finalize.invokeExact(java.lang.foreign.MemorySegment.NULL);
            if (finalized != CKR_OK && finalized != CKR_CRYPTOKI_NOT_INITIALIZED) {
                throw new HsmException(HsmException.Kind.UNAVAILABLE, "C_Finalize failed: CKR 0x" + Long.toHexString(finalized));
            }
            long initialized = (long) initialize.invokeExact(java.lang.foreign.MemorySegment.NULL);
            if (initialized != CKR_OK && initialized != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                throw new HsmException(HsmException.Kind.UNAVAILABLE, "C_Initialize failed: CKR 0x" + Long.toHexString(initialized));
            }
        } catch (HsmException e) {
            throw e;
        } catch (Throwable e) {
            throw new HsmException(HsmException.Kind.UNAVAILABLE, "cannot reinitialise PKCS#11 library " + library + ": " + e, e);
        }
    }

    /** CK_TOKEN_INFO.flags: the token has been initialised (C_InitToken). */
    static final long CKF_TOKEN_INITIALIZED = 0x400L;
    static final long CKU_SO = 0L;
    /** Places in CK_FUNCTION_LIST (after CK_VERSION, padded to a pointer): C_InitToken is the 10th function, C_InitPIN the 11th. */
    private static final int C_INIT_TOKEN = 10;
    private static final int C_INIT_PIN = 11;

    /**
     * Initialises the token in {@code slot} with {@code soPin} and {@code label} (C_InitToken), then sets its user PIN as the
     * SO (C_OpenSession, C_Login CKU_SO, C_InitPIN, C_Logout, C_CloseSession). The JDK's wrapper has neither C_InitToken
     * nor C_InitPIN, so those two go through the module's own function list, like {@link #reinitialize}; the PINs are
     * copied to native memory for the calls and overwritten with zeros after them.
     */
    void initializeToken(long slot, char[] soPin, String label, char[] userPin) {
        byte[] padded = new byte[32];
        java.util.Arrays.fill(padded, (byte) ' ');
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        if (l.length > 32) {
            throw new HsmException(HsmException.Kind.CONFIGURATION, "a PKCS#11 token label has at most 32 bytes: '" + label + "'");
        }
        System.arraycopy(l, 0, padded, 0, l.length);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var address = java.lang.foreign.ValueLayout.ADDRESS;
            var ulong = java.lang.foreign.ValueLayout.JAVA_LONG; // CK_ULONG, CK_RV, CK_SLOT_ID: 64 bits on LP64
            var list = functionList(arena);
            var initToken = linker.downcallHandle(list.get(address, C_INIT_TOKEN * address.byteSize()),
                    java.lang.foreign.FunctionDescriptor.of(ulong, ulong, address, ulong, address));
            var so = pinSegment(arena, soPin);
            var lab = arena.allocate(32);
            lab.copyFrom(java.lang.foreign.MemorySegment.ofArray(padded));
            long rv;
            try {
                rv = (long) initToken.invokeExact(slot, so, (long) soPin.length, lab);
            } finally {
                so.fill((byte) 0);
            }
            if (rv != CKR_OK) {
                throw new HsmException(HsmException.Kind.CONFIGURATION, "C_InitToken on slot " + slot + " failed: CKR 0x" + Long.toHexString(rv));
            }
            long session = (long) call("C_OpenSession", new Class<?>[] {long.class, long.class, Object.class, wrapperClass("CK_NOTIFY")},
                    slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, null, null);
            try {
                call("C_Login", new Class<?>[] {long.class, long.class, char[].class}, session, CKU_SO, soPin);
                var initPin = linker.downcallHandle(list.get(address, C_INIT_PIN * address.byteSize()),
                        java.lang.foreign.FunctionDescriptor.of(ulong, ulong, address, ulong));
                var user = pinSegment(arena, userPin);
                try {
                    rv = (long) initPin.invokeExact(session, user, (long) userPin.length);
                } finally {
                    user.fill((byte) 0);
                }
                if (rv != CKR_OK) {
                    throw new HsmException(HsmException.Kind.CONFIGURATION, "C_InitPIN on slot " + slot + " failed: CKR 0x" + Long.toHexString(rv));
                }
                call("C_Logout", new Class<?>[] {long.class}, session);
            } finally {
                call("C_CloseSession", new Class<?>[] {long.class}, session);
            }
        } catch (HsmException e) {
            throw e;
        } catch (Throwable e) {
            throw new HsmException(HsmException.Kind.CONFIGURATION, "cannot initialise the token in slot " + slot + ": " + e, e);
        }
    }

    /** The module's CK_FUNCTION_LIST, as far as {@link #C_INIT_PIN}. */
    private java.lang.foreign.MemorySegment functionList(java.lang.foreign.Arena arena) throws Throwable {
        var linker = java.lang.foreign.Linker.nativeLinker();
        var address = java.lang.foreign.ValueLayout.ADDRESS;
        var lookup = java.lang.foreign.SymbolLookup.libraryLookup(java.nio.file.Path.of(library), arena);
        var getFunctionList = linker.downcallHandle(lookup.find("C_GetFunctionList").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_LONG, address));
        var out = arena.allocate(address);
        long result = (long) getFunctionList.invokeExact(out);
        if (result != 0) {
            throw new HsmException(HsmException.Kind.UNAVAILABLE, "C_GetFunctionList failed: CKR 0x" + Long.toHexString(result));
        }
        return out.get(address, 0).reinterpret((C_INIT_PIN + 1) * address.byteSize());
    }

    /** A PIN as the bytes PKCS#11 takes (the JDK's wrapper also passes each char as one byte), in native memory. */
    private static java.lang.foreign.MemorySegment pinSegment(java.lang.foreign.Arena arena, char[] pin) {
        var seg = arena.allocate(Math.max(1, pin.length));
        for (int i = 0; i < pin.length; i++) {
            if (pin[i] > 0x7e || pin[i] < 0x20) {
                throw new HsmException(HsmException.Kind.CONFIGURATION, "a PIN must be printable ASCII");
            }
            seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) pin[i]);
        }
        return seg;
    }

    /** Slots whose token is present and not yet initialised, in the module's order. */
    List<Long> slotsWithUninitializedToken() {
        List<Long> result = new ArrayList<>();
        for (long slot : (long[]) call("C_GetSlotList", new Class<?>[] {boolean.class}, true)) {
            Object info = call("C_GetTokenInfo", new Class<?>[] {long.class}, slot);
            try {
                if ((info.getClass().getField("flags").getLong(info) & CKF_TOKEN_INITIALIZED) == 0) {
                    result.add(slot);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return result;
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

    /** Handles of the objects of {@code objectClass} labelled {@code label} (the token must be logged in for private ones). */
    long[] objectsWithLabel(long slot, long objectClass, String label) {
        return objectsWith(slot, objectClass, CKA_LABEL, label.toCharArray());
    }

    /** Handles of the objects of {@code objectClass} whose CKA_ID is {@code id}. */
    long[] objectsWithId(long slot, long objectClass, byte[] id) {
        return objectsWith(slot, objectClass, CKA_ID, id);
    }

    private long[] objectsWith(long slot, long objectClass, long type, Object value) {
        long session = openSession(slot, CKF_SERIAL_SESSION);
        try {
            Object template = java.lang.reflect.Array.newInstance(attrClass, 2);
            java.lang.reflect.Array.set(template, 0, attrLong.newInstance(CKA_CLASS, objectClass));
            java.lang.reflect.Array.set(template, 1, attrChars.newInstance(type, value));
            call("C_FindObjectsInit", new Class<?>[] {long.class, template.getClass()}, session, template);
            long[] handles = (long[]) call("C_FindObjects", new Class<?>[] {long.class, long.class}, session, 16L);
            call("C_FindObjectsFinal", new Class<?>[] {long.class}, session);
            return handles;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } finally {
            call("C_CloseSession", new Class<?>[] {long.class}, session);
        }
    }

    /**
     * The boolean or integer value of each attribute type of an object, read one at a time (a type
     * the object does not have is left out); never CKA_VALUE.
     */
    java.util.Map<Long, Object> attributes(long slot, long handle, long[] types, java.util.Set<Long> integers) {
        long session = openSession(slot, CKF_SERIAL_SESSION);
        try {
            java.util.Map<Long, Object> result = new java.util.LinkedHashMap<>();
            for (long type : types) {
                if (type == CKA_VALUE) {
                    throw new IllegalArgumentException("never read CKA_VALUE");
                }
                Object attrs = java.lang.reflect.Array.newInstance(attrClass, 1);
                java.lang.reflect.Array.set(attrs, 0, attrTypeOnly.newInstance(type));
                try {
                    call("C_GetAttributeValue", new Class<?>[] {long.class, long.class, attrs.getClass()}, session, handle, attrs);
                } catch (HsmException absent) {
                    continue;
                }
                Object a = java.lang.reflect.Array.get(attrs, 0);
                result.put(type, integers.contains(type) ? (Object) longValue(a) : (Object) bool(a));
            }
            return result;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } finally {
            call("C_CloseSession", new Class<?>[] {long.class}, session);
        }
    }

    /**
     * C_GenerateKey in a read/write session with {@code mechanism} and a template of
     * (type, value) pairs whose values are Boolean, Long, String (as CK_UTF8CHAR) or byte[]; returns the handle.
     */
    long generateKey(long slot, long mechanism, Object[][] template) {
        long session = openSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
        try {
            Object attrs = template(template);
            Object mech = Class.forName(PKG + "CK_MECHANISM").getConstructor(long.class).newInstance(mechanism);
            return (long) call("C_GenerateKey", new Class<?>[] {long.class, mech.getClass(), attrs.getClass()}, session, mech, attrs);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } finally {
            call("C_CloseSession", new Class<?>[] {long.class}, session);
        }
    }

    /** C_SetAttributeValue in a read/write session; values as for {@link #generateKey}. */
    void setAttributes(long slot, long handle, Object[][] template) {
        long session = openSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
        try {
            Object attrs = template(template);
            call("C_SetAttributeValue", new Class<?>[] {long.class, long.class, attrs.getClass()}, session, handle, attrs);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } finally {
            call("C_CloseSession", new Class<?>[] {long.class}, session);
        }
    }

    /** A byte-array attribute of an object (CKA_ID); never CKA_VALUE. */
    byte[] bytesAttribute(long slot, long handle, long type) {
        if (type == CKA_VALUE) {
            throw new IllegalArgumentException("never read CKA_VALUE");
        }
        long session = openSession(slot, CKF_SERIAL_SESSION);
        try {
            Object attrs = java.lang.reflect.Array.newInstance(attrClass, 1);
            java.lang.reflect.Array.set(attrs, 0, attrTypeOnly.newInstance(type));
            call("C_GetAttributeValue", new Class<?>[] {long.class, long.class, attrs.getClass()}, session, handle, attrs);
            return (byte[]) attrClass.getMethod("getByteArray").invoke(java.lang.reflect.Array.get(attrs, 0));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } finally {
            call("C_CloseSession", new Class<?>[] {long.class}, session);
        }
    }

    private Object template(Object[][] template) throws ReflectiveOperationException {
        Object attrs = java.lang.reflect.Array.newInstance(attrClass, template.length);
        for (int i = 0; i < template.length; i++) {
            long type = (Long) template[i][0];
            Object v = template[i][1];
            Object a = switch (v) {
                case Boolean b -> attrClass.getConstructor(long.class, boolean.class).newInstance(type, b);
                case Long l -> attrLong.newInstance(type, l);
                case String str -> attrChars.newInstance(type, (Object) str.toCharArray());
                case byte[] bytes -> attrChars.newInstance(type, (Object) bytes);
                default -> throw new IllegalArgumentException("attribute value " + v.getClass());
            };
            java.lang.reflect.Array.set(attrs, i, a);
        }
        return attrs;
    }

    private long openSession(long slot, long flags) {
        return (long) call("C_OpenSession", new Class<?>[] {long.class, long.class, Object.class, wrapperClass("CK_NOTIFY")}, slot, flags, null, null);
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
