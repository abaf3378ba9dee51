using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Surveys;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Features.Surveys;

/// <summary>
/// Seeds the survey catalogue (<see cref="SurveyCatalogueSeed"/>) at start-up, through the catalogue's decider: a survey or
/// question version already there adds nothing, so every start after the first appends nothing, and a version that differs
/// from the seed (published otherwise by an administrator) is left as it is and logged.
/// </summary>
public sealed class SurveyCatalogueSeeder(PostgresEventStore store, ILogger<SurveyCatalogueSeeder> logger) : IHostedService
{
    public const string Actor = "system:survey-catalogue-seed";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (surveyId, commands) in SurveyCatalogueSeed.Commands())
        {
            var stream = SurveyEndpoints.SurveyStream(surveyId);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var (state, version, _) = await store.FoldStreamAsync(stream, Survey.Initial, Survey.Evolve, cancellationToken);
                var events = new List<object>();
                foreach (var command in commands)
                {
                    try
                    {
                        var decided = Survey.Decide(command, state);
                        events.AddRange(decided);
                        state = decided.Aggregate(state, Survey.Evolve);
                    }
                    catch (Domain.Common.RuleViolationException refused)
                    {
                        logger.LogWarning("Survey catalogue seed left {SurveyId} as it is: {Code}", surveyId, refused.Code);
                    }
                }

                if (events.Count == 0)
                {
                    break;
                }

                var metadata = new EventMetadata(Actor, Guid.NewGuid(), null, null);
                var toAppend = events.Select((e, i) => new EventToAppend(StreamCommands.EventId($"seed:{version}", Actor, stream, i), e, metadata)).ToArray();
                try
                {
                    await store.AppendAsync(stream, "survey", SurveyEndpoints.CatalogueForbund,
                        version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version), toAppend, cancellationToken);
                    break;
                }
                catch (ConcurrencyConflictException)
                {
                    // another instance seeded at the same moment: decide again on what it wrote
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
