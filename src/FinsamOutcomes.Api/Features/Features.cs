using FinsamOutcomes.Api.Features.Beredningsgrupper;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Features.Forbund;
using FinsamOutcomes.Api.Features.Gallring;
using FinsamOutcomes.Api.Features.HistoryImport;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.Operations;
using FinsamOutcomes.Api.Features.Participations;
using FinsamOutcomes.Api.Features.People;
using FinsamOutcomes.Api.Features.Referrals;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Surveys;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Features;

/// <summary>Every feature folder's services and routes, in one place.</summary>
public static class Features
{
    public static void AddFinsamFeatures(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<StreamCommands>();
        services.AddFinsamValidators();
        services.AddSingleton<IInlineProjection, ForbundReadModel>();
        services.AddSingleton<IInlineProjection, InsatsReadModel>();
        services.AddSingleton<IInlineProjection, BeredningsgruppReadModel>();
        services.AddSingleton<IInlineProjection, ReferralReadModel>();
        services.AddSingleton<IInlineProjection, ParticipationReadModel>();
        services.AddSingleton<IInlineProjection, EconomyReadModel>();
        services.AddSingleton<EconomyReports>();
        services.AddSingleton<IInlineProjection, SurveyReadModel>();
        builder.AddPeople();
        builder.AddGallring();
        services.AddStatistics();
        services.Configure<StatisticsOptions>(builder.Configuration.GetSection("Statistics"));
        services.AddHostedService<SurveyCatalogueSeeder>();
        services.AddHistoryImport();
    }

    public static void MapFinsamFeatures(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapForbund();
        api.MapInsatser();
        api.MapBeredningsgrupper();
        api.MapReferrals();
        api.MapParticipations();
        api.MapHistoryImport();
        api.MapPeople();
        api.MapGallring();
        api.MapStatistics();
        api.MapEconomy();
        api.MapSurveys();
        api.MapOperations();
    }
}
