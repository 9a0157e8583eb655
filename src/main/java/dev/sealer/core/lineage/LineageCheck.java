package dev.sealer.core.lineage;

import dev.sealer.core.error.InvalidRequestException;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Whether a set of seals is a lineage a lifecycle policy accepts: the one rule the service applies when a meta-seal is
 * created and every verifier applies again (online and offline). Pure computation over {@link LineageNode}s.
 *
 * <p>The checks, in this order; the first that fails is the answer, naming the offending seal (the first in canonical order,
 * ascending seal id):
 * <ol>
 * <li>shape: 1..{@value #MAX_BOUND} bound seals, at most {@value #MAX_EXTERNAL_ROOTS} external roots, no seal twice
 * ({@code INVALID_ARGUMENT});</li>
 * <li>every external root has a stage the policy allows for external roots ({@code LINEAGE_INCOMPLETE});</li>
 * <li>closed: every parent of a bound seal is bound or an external root ({@code LINEAGE_INCOMPLETE}); every external root is
 * a parent of some bound seal ({@code INVALID_ARGUMENT});</li>
 * <li>acyclic: no bound seal reaches itself through its parents ({@code LINEAGE_CYCLE}, naming the smallest seal id on a
 * cycle);</li>
 * <li>every policy stage is the stage of some bound seal or external root ({@code STAGE_MISSING}, naming the stage);</li>
 * <li>order, for each bound seal of a policy stage: none of its ancestors has a later policy stage, and unless its stage is
 * the policy's first, one of its ancestors has the policy stage just before its own ({@code STAGE_ORDER}).</li>
 * </ol>
 * External roots count as ancestors with their own stage; their own parents are not followed.
 */
public final class LineageCheck {
    public static final int MAX_BOUND = 1000;
    public static final int MAX_EXTERNAL_ROOTS = 64;

    /** Why a lineage is refused: the stable reason, the seal it names (null when it names a stage) and a message naming both. */
    public record Problem(Reason reason, UUID sealId, String message) {
        /** The problem as a request error: always INVALID_ARGUMENT, with this reason. */
        public SealerException toException() {
            return new InvalidRequestException(reason, message);
        }
    }

    /** The canonical order of a manifest's seals: ascending seal id, compared as the canonical lowercase UUID text. */
    public static final Comparator<LineageNode> CANONICAL = Comparator.comparing(n -> n.sealId().toString());

    private LineageCheck() {
    }

    /** Throws the first problem as an INVALID_ARGUMENT {@link SealerException}. */
    public static void require(List<LineageNode> bound, List<LineageNode> externalRoots, LifecyclePolicy policy) {
        Optional<Problem> p = check(bound, externalRoots, policy);
        if (p.isPresent()) {
            throw p.get().toException();
        }
    }

    public static Optional<Problem> check(List<LineageNode> bound, List<LineageNode> externalRoots, LifecyclePolicy policy) {
        if (bound.isEmpty()) {
            return problem(Reason.INVALID_ARGUMENT, null, "a meta-seal binds at least one seal");
        }
        if (bound.size() > MAX_BOUND) {
            return problem(Reason.INVALID_ARGUMENT, null, "a meta-seal binds at most " + MAX_BOUND + " seals, got " + bound.size());
        }
        if (externalRoots.size() > MAX_EXTERNAL_ROOTS) {
            return problem(Reason.INVALID_ARGUMENT, null, "at most " + MAX_EXTERNAL_ROOTS + " external roots, got " + externalRoots.size());
        }
        List<LineageNode> nodes = bound.stream().sorted(CANONICAL).toList();
        List<LineageNode> roots = externalRoots.stream().sorted(CANONICAL).toList();
        Map<UUID, LineageNode> byId = new LinkedHashMap<>();
        for (LineageNode n : nodes) {
            if (byId.putIfAbsent(n.sealId(), n) != null) {
                return problem(Reason.INVALID_ARGUMENT, n.sealId(), "seal " + n.sealId() + " is bound twice");
            }
        }
        Map<UUID, LineageNode> external = new LinkedHashMap<>();
        for (LineageNode r : roots) {
            if (byId.containsKey(r.sealId())) {
                return problem(Reason.INVALID_ARGUMENT, r.sealId(), "seal " + r.sealId() + " is both bound and listed as an external root");
            }
            if (external.putIfAbsent(r.sealId(), r) != null) {
                return problem(Reason.INVALID_ARGUMENT, r.sealId(), "external root " + r.sealId() + " is listed twice");
            }
        }
        for (LineageNode r : roots) {
            if (!policy.externalRootStages().contains(r.stage())) {
                return problem(Reason.LINEAGE_INCOMPLETE, r.sealId(), r.describe() + " is listed as an external root; policy " + policy.id()
                        + " allows external roots of " + (policy.externalRootStages().isEmpty() ? "no stage" : "stages " + stageIds(policy.externalRootStages())));
            }
        }
        Set<UUID> usedRoots = new HashSet<>();
        for (LineageNode n : nodes) {
            for (UUID p : n.parents()) {
                if (external.containsKey(p)) {
                    usedRoots.add(p);
                } else if (!byId.containsKey(p)) {
                    return problem(Reason.LINEAGE_INCOMPLETE, n.sealId(), n.describe() + " has parent " + p
                            + ", which is neither bound nor an external root: bind it, or list it as an external root policy " + policy.id() + " allows");
                }
            }
        }
        for (LineageNode r : roots) {
            if (!usedRoots.contains(r.sealId())) {
                return problem(Reason.INVALID_ARGUMENT, r.sealId(), "external root " + r.sealId() + " is not a parent of any bound seal");
            }
        }
        List<LineageNode> topo = topologicalOrder(nodes, byId);
        if (topo.size() < nodes.size()) {
            return cycle(nodes, topo, byId);
        }
        for (var stage : policy.stages()) {
            boolean present = nodes.stream().anyMatch(n -> n.stage() == stage) || roots.stream().anyMatch(r -> r.stage() == stage);
            if (!present) {
                return problem(Reason.STAGE_MISSING, null, "policy " + policy.id() + " requires a seal of stage " + stage.id() + "; none is bound");
            }
        }
        // the policy ranks of each bound seal's ancestors, as a bit set, parents before children
        Map<UUID, Long> ancestorRanks = new HashMap<>();
        for (LineageNode n : topo) {
            long mask = 0;
            for (UUID p : n.parents()) {
                LineageNode parent = byId.containsKey(p) ? byId.get(p) : external.get(p);
                mask |= bit(policy.rank(parent.stage())) | ancestorRanks.getOrDefault(p, 0L);
            }
            ancestorRanks.put(n.sealId(), mask);
        }
        for (LineageNode n : nodes) {
            int r = policy.rank(n.stage());
            if (r < 0) {
                continue;
            }
            long mask = ancestorRanks.get(n.sealId());
            if ((mask >>> (r + 1)) != 0) {
                LineageNode later = nearestAncestor(n, byId, external, a -> policy.rank(a.stage()) > r);
                return problem(Reason.STAGE_ORDER, n.sealId(), n.describe() + " descends from " + later.describe() + ", a stage policy " + policy.id()
                        + " puts after " + n.stage().id());
            }
            if (r > 0 && (mask & bit(r - 1)) == 0) {
                String before = policy.stages().get(r - 1).id();
                return problem(Reason.STAGE_ORDER, n.sealId(), n.describe() + " does not descend from any " + before + " seal; policy " + policy.id()
                        + " requires " + before + " before " + n.stage().id());
            }
        }
        return Optional.empty();
    }

    private static long bit(int rank) {
        return rank < 0 ? 0 : 1L << rank;
    }

    /** Kahn's algorithm over the bound seals (edges from parent to child); shorter than {@code nodes} when there is a cycle. */
    private static List<LineageNode> topologicalOrder(List<LineageNode> nodes, Map<UUID, LineageNode> byId) {
        Map<UUID, Integer> pending = new HashMap<>();
        Map<UUID, List<LineageNode>> children = new HashMap<>();
        for (LineageNode n : nodes) {
            int boundParents = 0;
            for (UUID p : n.parents()) {
                if (byId.containsKey(p)) {
                    boundParents++;
                    children.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                }
            }
            pending.put(n.sealId(), boundParents);
        }
        Deque<LineageNode> ready = new ArrayDeque<>();
        nodes.stream().filter(n -> pending.get(n.sealId()) == 0).forEach(ready::add);
        List<LineageNode> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            LineageNode n = ready.poll();
            order.add(n);
            for (LineageNode c : children.getOrDefault(n.sealId(), List.of())) {
                if (pending.merge(c.sealId(), -1, Integer::sum) == 0) {
                    ready.add(c);
                }
            }
        }
        return order;
    }

    /** The smallest seal id that reaches itself through its parents (one exists among those Kahn could not order), with the cycle. */
    private static Optional<Problem> cycle(List<LineageNode> nodes, List<LineageNode> ordered, Map<UUID, LineageNode> byId) {
        Set<UUID> done = new HashSet<>();
        ordered.forEach(n -> done.add(n.sealId()));
        for (LineageNode n : nodes) {
            if (done.contains(n.sealId())) {
                continue;
            }
            List<UUID> path = pathBack(n, byId);
            if (path != null) {
                StringBuilder b = new StringBuilder();
                path.forEach(id -> b.append(b.isEmpty() ? "" : " -> ").append(id));
                return problem(Reason.LINEAGE_CYCLE, n.sealId(), n.describe() + " is on a dependency cycle (child -> parent): " + b);
            }
        }
        throw new IllegalStateException("no seal on a cycle although the graph has no topological order");
    }

    /** The shortest path from {@code start} through parents back to itself, or null. */
    private static List<UUID> pathBack(LineageNode start, Map<UUID, LineageNode> byId) {
        Map<UUID, UUID> via = new HashMap<>();
        Deque<UUID> queue = new ArrayDeque<>();
        queue.add(start.sealId());
        while (!queue.isEmpty()) {
            UUID id = queue.poll();
            for (UUID p : byId.get(id).parents()) {
                if (!byId.containsKey(p)) {
                    continue;
                }
                if (p.equals(start.sealId())) {
                    List<UUID> path = new ArrayList<>();
                    path.add(start.sealId());
                    for (UUID at = id; !at.equals(start.sealId()); at = via.get(at)) {
                        path.add(1, at);
                    }
                    path.add(start.sealId());
                    return path;
                }
                if (!via.containsKey(p)) {
                    via.put(p, id);
                    queue.add(p);
                }
            }
        }
        return null;
    }

    /** The nearest ancestor (breadth first, parents in receipt order) matching {@code test}; one exists when called. */
    private static LineageNode nearestAncestor(LineageNode n, Map<UUID, LineageNode> byId, Map<UUID, LineageNode> external,
            java.util.function.Predicate<LineageNode> test) {
        Deque<LineageNode> queue = new ArrayDeque<>(List.of(n));
        Set<UUID> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            LineageNode at = queue.poll();
            for (UUID p : at.parents()) {
                LineageNode parent = byId.containsKey(p) ? byId.get(p) : external.get(p);
                if (!seen.add(p)) {
                    continue;
                }
                if (test.test(parent)) {
                    return parent;
                }
                if (byId.containsKey(p)) {
                    queue.add(parent);
                }
            }
        }
        throw new IllegalStateException("no matching ancestor of " + n.sealId());
    }

    private static String stageIds(Set<dev.sealer.core.seal.Stage> stages) {
        return String.join(", ", stages.stream().map(dev.sealer.core.seal.Stage::id).sorted().toList());
    }

    private static Optional<Problem> problem(Reason reason, UUID sealId, String message) {
        return Optional.of(new Problem(reason, sealId, message));
    }
}
