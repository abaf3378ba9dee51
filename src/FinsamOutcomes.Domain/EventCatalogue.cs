using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Economy;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.Domain.Surveys;

namespace FinsamOutcomes.Domain;

/// <summary>Every event type with its stable stored name. docs/events.md lists the same, with fields.</summary>
public static class EventCatalogue
{
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
    [
        (typeof(ForbundRegistered), "forbund.registered.v1"),
        (typeof(MemberJoined), "forbund.member_joined.v1"),
        (typeof(MemberLeft), "forbund.member_left.v1"),
        (typeof(ExitReasonsSet), "forbund.exit_reasons_set.v1"),
        (typeof(ForbundMergedInto), "forbund.merged_into.v1"),
        (typeof(ForbundFormedByMerger), "forbund.formed_by_merger.v1"),
        (typeof(RetentionRuleSet), "forbund.retention_rule_set.v1"),

        (typeof(InsatsRegistered), "insats.registered.v1"),
        (typeof(InsatsGoalSet), "insats.goal_set.v1"),
        (typeof(InsatsGoalRemoved), "insats.goal_removed.v1"),
        (typeof(InsatsClosed), "insats.closed.v1"),
        (typeof(InsatsTransferred), "insats.transferred.v1"),
        (typeof(OccurrenceRecorded), "insats.occurrence_recorded.v1"),
        (typeof(InsatsIntakePaused), "insats.intake_paused.v1"),
        (typeof(InsatsIntakeResumed), "insats.intake_resumed.v1"),

        (typeof(BeredningsgruppRegistered), "beredningsgrupp.registered.v1"),
        (typeof(BeredningsgruppChanged), "beredningsgrupp.changed.v1"),
        (typeof(BeredningsgruppIntakePaused), "beredningsgrupp.intake_paused.v1"),
        (typeof(BeredningsgruppIntakeResumed), "beredningsgrupp.intake_resumed.v1"),

        (typeof(ReferralReceived), "referral.received.v1"),
        (typeof(ReferralAccepted), "referral.accepted.v1"),
        (typeof(ReferralRejected), "referral.rejected.v1"),
        (typeof(ReferralReturned), "referral.returned.v1"),
        (typeof(ReferralCompletionRequested), "referral.completion_requested.v1"),
        (typeof(ReferralWithdrawn), "referral.withdrawn.v1"),

        (typeof(ParticipantEnrolled), "participation.enrolled.v2"),
        (typeof(ActivityRecorded), "participation.activity_recorded.v1"),
        (typeof(ParticipationPaused), "participation.paused.v1"),
        (typeof(ParticipationResumed), "participation.resumed.v1"),
        (typeof(ParticipantExited), "participation.exited.v1"),
        (typeof(ExitCorrected), "participation.exit_corrected.v1"),
        (typeof(EnrolmentCorrected), "participation.enrolment_corrected.v2"),
        (typeof(ParticipationRegisteredInError), "participation.registered_in_error.v1"),

        (typeof(ContributionRecorded), "economy.contribution_recorded.v1"),
        (typeof(OtherIncomeRecorded), "economy.other_income_recorded.v1"),
        (typeof(BudgetSet), "economy.budget_set.v1"),
        (typeof(OutcomeRecorded), "economy.outcome_recorded.v1"),
        (typeof(OutcomeCorrected), "economy.outcome_corrected.v1"),
        (typeof(AccountingImported), "economy.accounting_imported.v1"),
        (typeof(OpeningEquitySet), "economy.opening_equity_set.v1"),
        (typeof(YearClosed), "economy.year_closed.v1"),
        (typeof(CostCentresSet), "economy.cost_centres_set.v1"),
        .. SurveyEventNames.All,
        (typeof(OccupationChanged), "participation.occupation_changed.v1"),
        (typeof(OccupationChangeCorrected), "participation.occupation_change_corrected.v1"),
        (typeof(ParticipationImported), "participation.imported.v1"),
    ];

    /// <summary>
    /// Retired versions and how they are read now (docs/events.md "Upcasts"). participation.enrolled.v1 and
    /// participation.enrolment_corrected.v1 carried the old education levels: primary_or_less (grundskola eller kortare)
    /// reads as primary; upper_secondary, post_secondary and unknown keep their meaning. Nothing stored is rewritten.
    /// </summary>
    public static IReadOnlyList<(string From, string To, Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject> Convert)> Upcasts { get; } =
    [
        ("participation.enrolled.v1", "participation.enrolled.v2", EducationV1ToV2),
        ("participation.enrolment_corrected.v1", "participation.enrolment_corrected.v2", EducationV1ToV2),
    ];

    /// <summary>The v1 education level (in baseline.education) as the v2 level it meant.</summary>
    public static string EducationLevelV1ToV2(string v1) => v1 switch
    {
        "primary_or_less" => "primary",
        "upper_secondary" or "post_secondary" or "unknown" => v1,
        _ => "unknown",
    };

    private static System.Text.Json.Nodes.JsonObject EducationV1ToV2(System.Text.Json.Nodes.JsonObject data)
    {
        if (data["baseline"] is System.Text.Json.Nodes.JsonObject baseline && baseline["education"]?.GetValue<string>() is { } level)
        {
            baseline["education"] = EducationLevelV1ToV2(level);
        }

        return data;
    }

    public static string StreamOf(string kind, string id) => $"{kind}-{id}";
}
