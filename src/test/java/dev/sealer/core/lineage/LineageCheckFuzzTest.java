package dev.sealer.core.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.error.Reason;
import dev.sealer.core.seal.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link LineageCheck} against a deliberately simple reference (a boolean reachability matrix closed by Floyd-Warshall,
 * every rule restated from the documentation) on random DAGs and random graphs with cycles, missing parents and stray
 * external roots: both must give the same reason and name the same seal. Collects every disagreement, then asserts none.
 */
class LineageCheckFuzzTest {
    static final LifecyclePolicy POLICY = LifecyclePolicy.parse("default", 1, "data-collection,training,evaluation,deployment", "data-collection");
    static final Stage[] STAGES = {Stage.DATA_COLLECTION, Stage.TRAINING, Stage.EVALUATION, Stage.DEPLOYMENT, Stage.MONITORING, Stage.DATA_PREPARATION};

    @Test
    void randomGraphs_agreeWithTheReference() {
        Random random = new Random(20261207);
        List<String> disagreements = new ArrayList<>();
        int[] seen = new int[Reason.values().length];
        for (int round = 0; round < 4000; round++) {
            boolean dag = round % 2 == 0;
            Graph g = randomGraph(random, dag);
            Optional<LineageCheck.Problem> real = LineageCheck.check(g.bound, g.external, POLICY);
            Reference.Answer expected = Reference.check(g.bound, g.external, POLICY);
            Reason gotReason = real.map(LineageCheck.Problem::reason).orElse(null);
            UUID gotSeal = real.map(LineageCheck.Problem::sealId).orElse(null);
            if (gotReason != expected.reason() || !java.util.Objects.equals(gotSeal, expected.sealId())) {
                disagreements.add("round " + round + ": real " + gotReason + " " + gotSeal + ", reference " + expected + "; graph " + g);
            }
            if (expected.reason() != null) {
                seen[expected.reason().ordinal()]++;
            }
            if (dag && expected.reason() == Reason.LINEAGE_CYCLE) {
                disagreements.add("round " + round + ": a generated DAG has a cycle: the generator is wrong");
            }
        }
        assertEquals(List.of(), disagreements.subList(0, Math.min(3, disagreements.size())));
        for (Reason r : List.of(Reason.LINEAGE_CYCLE, Reason.LINEAGE_INCOMPLETE, Reason.STAGE_MISSING, Reason.STAGE_ORDER, Reason.INVALID_ARGUMENT)) {
            assertTrue(seen[r.ordinal()] > 20, "the fuzzer reaches " + r + " (" + seen[r.ordinal()] + " times)");
        }
    }

    record Graph(List<LineageNode> bound, List<LineageNode> external) {
    }

    /**
     * Nodes 0..n-1 with random stages (mostly in lifecycle order along the index, so that valid lineages occur); a DAG takes
     * parents only from lower indexes; otherwise any index, itself included. Sometimes a parent outside the graph, sometimes
     * an external root (of an allowed stage or not, used or not).
     */
    static Graph randomGraph(Random r, boolean dag) {
        int n = 1 + r.nextInt(9);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new UUID(r.nextLong(), r.nextLong()));
        }
        Stage[] stages = new Stage[n];
        for (int i = 0; i < n; i++) {
            stages[i] = r.nextInt(4) == 0 ? STAGES[r.nextInt(STAGES.length)] : STAGES[Math.min(3, i * 4 / n)];
        }
        List<UUID> externalIds = new ArrayList<>();
        List<LineageNode> external = new ArrayList<>();
        if (r.nextInt(3) == 0) {
            UUID e = new UUID(r.nextLong(), r.nextLong());
            externalIds.add(e);
            external.add(new LineageNode(e, r.nextInt(3) == 0 ? Stage.TRAINING : Stage.DATA_COLLECTION, List.of(), new byte[32]));
        }
        List<LineageNode> bound = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<UUID> parents = new ArrayList<>();
            int k = r.nextInt(3);
            for (int j = 0; j < k; j++) {
                UUID p;
                int pick = r.nextInt(20);
                if (pick == 0) {
                    p = new UUID(r.nextLong(), r.nextLong()); // not in the graph
                } else if (pick < 3 && !externalIds.isEmpty()) {
                    p = externalIds.getFirst();
                } else if (dag) {
                    if (i == 0) {
                        continue;
                    }
                    p = ids.get(Math.max(0, i - 1 - r.nextInt(Math.min(i, 3))));
                } else {
                    p = ids.get(r.nextInt(n));
                }
                if (!parents.contains(p)) {
                    parents.add(p);
                }
            }
            bound.add(new LineageNode(ids.get(i), stages[i], parents, new byte[32]));
        }
        if (r.nextInt(40) == 0) {
            bound.add(bound.getFirst()); // a seal bound twice
        }
        java.util.Collections.shuffle(bound, r);
        return new Graph(bound, external);
    }

    /** The documented rules, restated as plainly as possible. */
    static final class Reference {
        record Answer(Reason reason, UUID sealId) {
        }

        static Answer check(List<LineageNode> boundIn, List<LineageNode> externalIn, LifecyclePolicy policy) {
            Comparator<LineageNode> order = Comparator.comparing(x -> x.sealId().toString());
            List<LineageNode> bound = boundIn.stream().sorted(order).toList();
            List<LineageNode> external = externalIn.stream().sorted(order).toList();
            if (bound.isEmpty()) {
                return new Answer(Reason.INVALID_ARGUMENT, null);
            }
            for (int i = 1; i < bound.size(); i++) {
                if (bound.get(i).sealId().equals(bound.get(i - 1).sealId())) {
                    return new Answer(Reason.INVALID_ARGUMENT, bound.get(i).sealId());
                }
            }
            for (LineageNode e : external) {
                if (bound.stream().anyMatch(b -> b.sealId().equals(e.sealId()))) {
                    return new Answer(Reason.INVALID_ARGUMENT, e.sealId());
                }
            }
            for (LineageNode e : external) {
                if (!policy.externalRootStages().contains(e.stage())) {
                    return new Answer(Reason.LINEAGE_INCOMPLETE, e.sealId());
                }
            }
            for (LineageNode b : bound) {
                for (UUID p : b.parents()) {
                    if (index(bound, p) < 0 && index(external, p) < 0) {
                        return new Answer(Reason.LINEAGE_INCOMPLETE, b.sealId());
                    }
                }
            }
            for (LineageNode e : external) {
                if (bound.stream().noneMatch(b -> b.parents().contains(e.sealId()))) {
                    return new Answer(Reason.INVALID_ARGUMENT, e.sealId());
                }
            }
            // all nodes: bound 0..n-1, external n..; reach[a][b]: b is an ancestor of a
            List<LineageNode> all = new ArrayList<>(bound);
            all.addAll(external);
            int n = all.size();
            boolean[][] reach = new boolean[n][n];
            for (int a = 0; a < bound.size(); a++) {
                for (UUID p : all.get(a).parents()) {
                    reach[a][index(all, p)] = true;
                }
            }
            for (int k = 0; k < n; k++) {
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) {
                        reach[a][b] |= reach[a][k] && reach[k][b];
                    }
                }
            }
            for (int a = 0; a < bound.size(); a++) {
                if (reach[a][a]) {
                    return new Answer(Reason.LINEAGE_CYCLE, all.get(a).sealId());
                }
            }
            for (Stage s : policy.stages()) {
                if (all.stream().noneMatch(x -> x.stage() == s)) {
                    return new Answer(Reason.STAGE_MISSING, null);
                }
            }
            for (int a = 0; a < bound.size(); a++) {
                int r = policy.rank(all.get(a).stage());
                if (r < 0) {
                    continue;
                }
                boolean later = false;
                boolean before = false;
                for (int b = 0; b < n; b++) {
                    if (reach[a][b]) {
                        int rb = policy.rank(all.get(b).stage());
                        later |= rb > r;
                        before |= rb == r - 1;
                    }
                }
                if (later || (r > 0 && !before)) {
                    return new Answer(Reason.STAGE_ORDER, all.get(a).sealId());
                }
            }
            return new Answer(null, null);
        }

        static int index(List<LineageNode> l, UUID id) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i).sealId().equals(id)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
