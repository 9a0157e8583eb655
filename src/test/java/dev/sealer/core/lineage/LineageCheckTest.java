package dev.sealer.core.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealer.core.error.InvalidRequestException;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.seal.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each rule of {@link LineageCheck} on a small model lifecycle, each refusal with its stable reason and the seal it names. */
class LineageCheckTest {
    static final LifecyclePolicy DEFAULT = LifecyclePolicy.parse("default", 1, "data-collection,training,evaluation,deployment", "data-collection");
    static final LifecyclePolicy STRICT = LifecyclePolicy.parse("strict", 1,
            "data-collection,data-preparation,model-development,training,evaluation,deployment", "none");

    static LineageNode node(UUID id, Stage stage, UUID... parents) {
        return new LineageNode(id, stage, List.of(parents), new byte[32]);
    }

    final UUID dataset = id(1), training = id(2), evaluation = id(3), deployment = id(4);

    static UUID id(int n) {
        return UUID.fromString(String.format("00000000-0000-7000-8000-%012d", n));
    }

    List<LineageNode> lifecycle() {
        return new ArrayList<>(List.of(node(dataset, Stage.DATA_COLLECTION), node(training, Stage.TRAINING, dataset),
                node(evaluation, Stage.EVALUATION, training), node(deployment, Stage.DEPLOYMENT, evaluation)));
    }

    static Optional<LineageCheck.Problem> check(List<LineageNode> bound, List<LineageNode> external, LifecyclePolicy p) {
        return LineageCheck.check(bound, external, p);
    }

    @Test
    void check_fullDefaultLifecycle_isAccepted() {
        assertEquals(Optional.empty(), check(lifecycle(), List.of(), DEFAULT));
    }

    @Test
    void check_datasetAsAllowedExternalRoot_isAccepted_andCountsForItsStage() {
        List<LineageNode> bound = lifecycle().subList(1, 4);
        assertEquals(Optional.empty(), check(bound, List.of(node(dataset, Stage.DATA_COLLECTION)), DEFAULT));
    }

    @Test
    void check_parentNeitherBoundNorExternal_isLineageIncomplete_namingTheChild() {
        List<LineageNode> bound = lifecycle().subList(1, 4);
        LineageCheck.Problem p = check(bound, List.of(), DEFAULT).orElseThrow();
        assertEquals(Reason.LINEAGE_INCOMPLETE, p.reason());
        assertEquals(training, p.sealId());
        assertTrue(p.message().contains(dataset.toString()), p.message());
    }

    @Test
    void check_externalRootOfAStageThePolicyDoesNotAllow_isLineageIncomplete_namingTheRoot() {
        List<LineageNode> bound = lifecycle().subList(1, 4);
        LineageCheck.Problem p = check(bound, List.of(node(dataset, Stage.DATA_COLLECTION)), STRICT).orElseThrow();
        assertEquals(Reason.LINEAGE_INCOMPLETE, p.reason());
        assertEquals(dataset, p.sealId());
        assertTrue(p.message().contains("strict@1"), p.message());
    }

    @Test
    void check_cycle_isLineageCycle_namingTheSmallestSealOnIt_withThePath() {
        // training <-> evaluation: each the other's parent
        List<LineageNode> bound = List.of(node(dataset, Stage.DATA_COLLECTION), node(training, Stage.TRAINING, dataset, evaluation),
                node(evaluation, Stage.EVALUATION, training), node(deployment, Stage.DEPLOYMENT, evaluation));
        LineageCheck.Problem p = check(bound, List.of(), DEFAULT).orElseThrow();
        assertEquals(Reason.LINEAGE_CYCLE, p.reason());
        assertEquals(training, p.sealId(), "deployment is downstream of the cycle, not on it");
        assertTrue(p.message().contains(training + " -> " + evaluation + " -> " + training), p.message());
    }

    @Test
    void check_sealItsOwnParent_isLineageCycle() {
        List<LineageNode> bound = new ArrayList<>(lifecycle());
        bound.set(3, node(deployment, Stage.DEPLOYMENT, evaluation, deployment));
        assertEquals(Reason.LINEAGE_CYCLE, check(bound, List.of(), DEFAULT).orElseThrow().reason());
    }

    @Test
    void check_policyStageWithoutASeal_isStageMissing_namingTheStage() {
        List<LineageNode> bound = List.of(node(dataset, Stage.DATA_COLLECTION), node(training, Stage.TRAINING, dataset),
                node(deployment, Stage.DEPLOYMENT, training));
        LineageCheck.Problem p = check(bound, List.of(), DEFAULT).orElseThrow();
        assertEquals(Reason.STAGE_MISSING, p.reason());
        assertTrue(p.message().contains("evaluation"), p.message());
    }

    @Test
    void check_strictPolicy_requiresPreparationAndModelDevelopmentToo() {
        LineageCheck.Problem p = check(lifecycle(), List.of(), STRICT).orElseThrow();
        assertEquals(Reason.STAGE_MISSING, p.reason());
        assertTrue(p.message().contains("data-preparation"), p.message());
    }

    @Test
    void check_deploymentNotDescendingFromEvaluation_isStageOrder_namingTheDeployment() {
        // the evaluation is there, but the deployment was made from the training run directly
        List<LineageNode> bound = List.of(node(dataset, Stage.DATA_COLLECTION), node(training, Stage.TRAINING, dataset),
                node(evaluation, Stage.EVALUATION, training), node(deployment, Stage.DEPLOYMENT, training));
        LineageCheck.Problem p = check(bound, List.of(), DEFAULT).orElseThrow();
        assertEquals(Reason.STAGE_ORDER, p.reason());
        assertEquals(deployment, p.sealId());
        assertTrue(p.message().contains("evaluation before deployment"), p.message());
    }

    @Test
    void check_trainingDescendingFromAnEvaluation_isStageOrder_namingItAndTheLaterAncestor() {
        UUID retrain = id(5);
        List<LineageNode> bound = new ArrayList<>(lifecycle());
        bound.add(node(retrain, Stage.TRAINING, evaluation));
        LineageCheck.Problem p = check(bound, List.of(), DEFAULT).orElseThrow();
        assertEquals(Reason.STAGE_ORDER, p.reason());
        assertEquals(retrain, p.sealId());
        assertTrue(p.message().contains(evaluation.toString()), p.message());
    }

    @Test
    void check_stagesOutsideThePolicy_constrainNothing() {
        UUID monitoring = id(6);
        List<LineageNode> bound = new ArrayList<>(lifecycle());
        bound.add(node(monitoring, Stage.MONITORING, deployment));
        assertEquals(Optional.empty(), check(bound, List.of(), DEFAULT));
    }

    @Test
    void check_shapeErrors_areInvalidArgument() {
        assertEquals(Reason.INVALID_ARGUMENT, check(List.of(), List.of(), DEFAULT).orElseThrow().reason());
        List<LineageNode> twice = new ArrayList<>(lifecycle());
        twice.add(node(dataset, Stage.DATA_COLLECTION));
        assertEquals(Reason.INVALID_ARGUMENT, check(twice, List.of(), DEFAULT).orElseThrow().reason());
        assertEquals(Reason.INVALID_ARGUMENT, check(lifecycle(), List.of(node(id(9), Stage.DATA_COLLECTION)), DEFAULT).orElseThrow().reason(),
                "an external root that is nobody's parent");
        assertEquals(Reason.INVALID_ARGUMENT, check(lifecycle(), List.of(node(dataset, Stage.DATA_COLLECTION)), DEFAULT).orElseThrow().reason(),
                "bound and external at once");
    }

    @Test
    void require_throwsInvalidRequestWithTheReason() {
        List<LineageNode> bound = lifecycle().subList(1, 4);
        SealerException e = assertThrows(InvalidRequestException.class, () -> LineageCheck.require(bound, List.of(), DEFAULT));
        assertEquals(Reason.LINEAGE_INCOMPLETE, e.reason());
    }

    @Test
    void policy_parse_refusesBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> LifecyclePolicy.parse("Default", 1, "training", "none"));
        assertThrows(IllegalArgumentException.class, () -> LifecyclePolicy.parse("p", 0, "training", "none"));
        assertThrows(IllegalArgumentException.class, () -> LifecyclePolicy.parse("p", 1, "training,training", "none"));
        assertThrows(IllegalArgumentException.class, () -> LifecyclePolicy.parse("p", 1, "training,baking", "none"));
        assertThrows(IllegalArgumentException.class, () -> LifecyclePolicy.parse("p", 1, "", "none"));
        assertEquals(Set.of(), LifecyclePolicy.parse("p", 1, "training", "none").externalRootStages());
    }
}
