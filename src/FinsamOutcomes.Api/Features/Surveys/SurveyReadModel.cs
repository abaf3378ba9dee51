using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Surveys;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Surveys;

/// <summary>Keeps the sv_ tables (0700_surveys.sql) inside the append transaction: the catalogue, rounds, anonymous answer facts and goals.</summary>
public sealed class SurveyReadModel : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case SurveyDefined d:
                    await Sql.ExecuteAsync(c, tx,
                        "INSERT INTO sv_surveys (survey_id, respondent_group, name) VALUES ($1, $2, $3) ON CONFLICT (survey_id) DO UPDATE SET respondent_group = $2, name = $3",
                        ct, d.SurveyId, Sql.Name(d.RespondentGroup), d.Name);
                    break;
                case SurveyQuestionVersionPublished q:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO sv_questions (survey_id, question_id, version, ord, text, scale, options) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
                        ON CONFLICT (survey_id, question_id, version) DO UPDATE SET ord = $4, text = $5, scale = $6, options = $7::jsonb
                        """,
                        ct, q.SurveyId, q.QuestionId, q.Version, q.Order, q.Text, q.Scale, JsonSerializer.Serialize(q.Options, EventTypeRegistry.DefaultJsonOptions));
                    break;
                case SurveyRoundOpened r:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO sv_rounds (round_id, forbund_id, insats_id, survey_id, respondent_group, period_from, period_to, sent)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        """,
                        ct, r.RoundId, r.ForbundId, r.InsatsId, r.SurveyId, Sql.Name(r.RespondentGroup), r.PeriodFrom, r.PeriodTo, r.Sent);
                    foreach (var q in r.Questions)
                    {
                        await Sql.ExecuteAsync(c, tx,
                            "INSERT INTO sv_round_questions (round_id, question_id, survey_id, version) VALUES ($1, $2, $3, $4)",
                            ct, r.RoundId, q.QuestionId, r.SurveyId, q.Version);
                    }

                    break;
                case SurveyRoundSentCorrected s:
                    await Sql.ExecuteAsync(c, tx, "UPDATE sv_rounds SET sent = $2 WHERE round_id = $1", ct, s.RoundId, s.Sent);
                    break;
                case SurveyAnswerCountsRecorded b:
                    await Sql.ExecuteAsync(c, tx, "INSERT INTO sv_respondents (round_id, source_id, respondents) VALUES ($1, $2, $3)", ct, b.RoundId, $"b:{b.BatchId}", b.Respondents);
                    await InsertAnswersAsync(c, tx, b.RoundId,
                        b.Counts.Where(x => x.Count > 0).Select(x => ($"b:{b.BatchId}", x.QuestionId, x.OptionCode, x.Count)).ToArray(), ct);
                    break;
                case SurveyResponsesRecorded rs:
                    await using (var cmd = new NpgsqlCommand(
                        "INSERT INTO sv_respondents (round_id, source_id, respondents) SELECT $1, s, 1 FROM unnest($2::text[]) AS s", c, tx))
                    {
                        cmd.Parameters.Add(new NpgsqlParameter { Value = rs.RoundId });
                        cmd.Parameters.Add(new NpgsqlParameter { Value = rs.Responses.Select(r => $"r:{r.ResponseId}").ToArray() });
                        await cmd.ExecuteNonQueryAsync(ct);
                    }

                    await InsertAnswersAsync(c, tx, rs.RoundId,
                        rs.Responses.SelectMany(r => r.Answers.Select(a => ($"r:{r.ResponseId}", a.QuestionId, a.OptionCode, 1))).ToArray(), ct);
                    break;
                case SurveyGoalSet g:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO sv_goals (forbund_id, goal_id, insats_id, survey_id, question_id, version, comparison, threshold, option_codes, min_answers, description)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                        ON CONFLICT (forbund_id, goal_id) DO UPDATE SET insats_id = $3, survey_id = $4, question_id = $5, version = $6, comparison = $7,
                            threshold = $8, option_codes = $9, min_answers = $10, description = $11
                        """,
                        ct, g.ForbundId, g.GoalId, g.InsatsId, g.SurveyId, g.QuestionId, g.Version, Sql.Name(g.Comparison), g.Threshold,
                        g.OptionCodes?.ToArray(),
                        g.MinAnswers, g.Description);
                    break;
                case SurveyGoalRemoved g:
                    await Sql.ExecuteAsync(c, tx, "DELETE FROM sv_goals WHERE forbund_id = $1 AND goal_id = $2", ct, g.ForbundId, g.GoalId);
                    break;
            }
        }
    }

    private static async Task InsertAnswersAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, string roundId, (string Source, string Question, string Option, int Count)[] rows, CancellationToken ct)
    {
        if (rows.Length == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO sv_answers (round_id, source_id, question_id, option_code, count)
            SELECT $1, s, q, o, n FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS t(s, q, o, n)
            """, c, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = roundId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Source).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Question).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Option).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Count).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
