package dev.nemotron4j.runtime;

import dev.nemotron4j.engine.generation.QueueFullException;
import dev.nemotron4j.engine.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime is its callers' door to the model (the cli, the server, the in-process eval target): no public
 * signature of it — fields, constructors, methods, record components, supertypes, thrown types, type arguments
 * included — names an engine or tokenizer type, so callers cannot reach the scheduler, the sampler or the model's
 * internals through it — {@link ModelBundle} included: it opens a model by its path and offers the tokenizer as a
 * {@link ModelTokenizer}. Commands that are about the engine itself (inspect, convert, the engine tour) use the engine
 * directly. A holder of a {@link TextService} gets no bundle from it.
 */
class RuntimeApiTest {
    private static final List<String> BEHIND_THE_RUNTIME = List.of("dev.nemotron4j.engine.", "dev.nemotron4j.tokenizer.");

    @Test
    void noPublicRuntimeSignatureNamesAnEngineOrTokenizerType() throws Exception {
        List<Class<?>> api = publicRuntimeClasses();
        assertThat(api).as("the scan finds the runtime's public types")
                .contains(TextService.class, TextService.Options.class, TextService.Status.class, TextResult.class,
                        TextResult.Ending.class, TextResult.Timing.class, GenerationSettings.class, Sampling.class, TextSink.class,
                        ModelBundle.class, ModelTokenizer.class);
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : api) leaks.addAll(leaks(c));
        assertThat(leaks).as("public runtime signatures naming engine / tokenizer types: offer a runtime type instead").isEmpty();
    }

    /** The scan sees every kind of place a type can be named (the check can fail). */
    @Test
    void theScanFindsEngineTypesWhereverTheyAreNamed() {
        String params = SamplingParams.class.getName(), full = QueueFullException.class.getName();
        assertThat(leaks(Leaky.class)).containsExactlyInAnyOrder(
                "RuntimeApiTest.Leaky.field: " + params,
                "RuntimeApiTest.Leaky.Leaky(List): " + params,
                "RuntimeApiTest.Leaky.returned() returns: " + params,
                "RuntimeApiTest.Leaky.parameter(Map): " + params,
                "RuntimeApiTest.Leaky.thrower() throws: " + full);
        assertThat(leaks(Leaky.Component.class)).containsExactlyInAnyOrder(
                "RuntimeApiTest.Leaky.Component.params (component): " + params,
                "RuntimeApiTest.Leaky.Component.Component(SamplingParams): " + params,
                "RuntimeApiTest.Leaky.Component.params() returns: " + params);
        assertThat(leaks(Clean.class)).isEmpty();
    }

    @SuppressWarnings("unused")
    public static final class Leaky {
        public SamplingParams field;

        public Leaky(List<? extends SamplingParams> params) {
        }

        public SamplingParams[] returned() {
            return null;
        }

        public void parameter(java.util.Map<String, List<SamplingParams>> p) {
        }

        public void thrower() throws QueueFullException {
        }

        public record Component(SamplingParams params) {
        }
    }

    @SuppressWarnings("unused")
    public static final class Clean {
        private SamplingParams hidden;

        public Sampling sampling() {
            return Sampling.GREEDY;
        }

        SamplingParams packagePrivate() {
            return null;
        }
    }

    private static List<String> leaks(Class<?> c) {
        List<String> out = new ArrayList<>();
        check(out, c.getSimpleName() + " extends", c.getGenericSuperclass());
        for (Type t : c.getGenericInterfaces()) check(out, c.getSimpleName() + " implements", t);
        for (Field f : c.getDeclaredFields()) {
            if (visible(f)) check(out, where(c, f.getName()), f.getGenericType());
        }
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) check(out, where(c, rc.getName()) + " (component)", rc.getGenericType());
        }
        List<Executable> executables = new ArrayList<>(Arrays.asList(c.getDeclaredConstructors()));
        executables.addAll(Arrays.asList(c.getDeclaredMethods()));
        for (Executable e : executables) {
            if (!visible(e) || e.isSynthetic() || (e instanceof Method m && m.isBridge())) continue;
            String name = where(c, (e instanceof Method ? e.getName() : c.getSimpleName())
                    + Arrays.stream(e.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")")));
            for (Type t : e.getGenericParameterTypes()) check(out, name, t);
            for (Type t : e.getGenericExceptionTypes()) check(out, name + " throws", t);
            if (e instanceof Method m) check(out, name + " returns", m.getGenericReturnType());
        }
        return out;
    }

    private static boolean visible(Member m) {
        return Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers());
    }

    private static String where(Class<?> c, String member) {
        String owner = c.getName().substring(c.getPackageName().length() + 1).replace('$', '.');
        return owner + "." + member;
    }

    private static void check(List<String> out, String where, Type type) {
        Set<Class<?>> named = new LinkedHashSet<>();
        collect(type, named, new LinkedHashSet<>());
        for (Class<?> k : named) {
            if (BEHIND_THE_RUNTIME.stream().anyMatch(k.getName()::startsWith)) out.add(where + ": " + k.getName());
        }
    }

    private static void collect(Type t, Set<Class<?>> out, Set<Type> seen) {
        if (t == null || !seen.add(t)) return;
        switch (t) {
            case Class<?> k when k.isArray() -> collect(k.getComponentType(), out, seen);
            case Class<?> k -> out.add(k);
            case ParameterizedType p -> {
                collect(p.getRawType(), out, seen);
                for (Type a : p.getActualTypeArguments()) collect(a, out, seen);
            }
            case GenericArrayType g -> collect(g.getGenericComponentType(), out, seen);
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) collect(b, out, seen);
                for (Type b : w.getLowerBounds()) collect(b, out, seen);
            }
            case TypeVariable<?> v -> {
                for (Type b : v.getBounds()) collect(b, out, seen);
            }
            default -> throw new IllegalStateException("unknown kind of type " + t);
        }
    }

    /** The runtime's public classes, nested ones included, read from its compiled classes. */
    private static List<Class<?>> publicRuntimeClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(TextService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = root.resolve(TextService.class.getPackageName().replace('.', '/'));
        List<String> names;
        try (Stream<Path> files = Files.list(pkg)) {
            names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class")).sorted().toList();
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            Class<?> c = Class.forName(TextService.class.getPackageName() + "." + n.substring(0, n.length() - ".class".length()), false,
                    RuntimeApiTest.class.getClassLoader());
            if (reachable(c)) out.add(c);
        }
        assertThat(names).as("compiled runtime classes under " + pkg).hasSizeGreaterThan(10);
        return out;
    }

    /** Public, and every class it is nested in public too. */
    private static boolean reachable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) return false;
        }
        return true;
    }
}
