using FinsamOutcomes.Api.Features;
using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Api.Features.HistoryImport;
using FinsamOutcomes.Api.Features.Workspace;
using FinsamOutcomes.Api.Infrastructure;

var loadDemo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
if (args is ["token", .. var tokenArgs])
{
    return Auth.RunTokenCommand(tokenArgs, builder.Configuration, builder.Environment);
}

builder.AddFinsamLogging();
builder.AddFinsamProblems();
builder.AddFinsamAuth();
builder.AddWorkspace();
builder.AddFinsamOpenApi();
await builder.AddFinsamDatabaseAsync();
builder.AddFinsamFeatures();
if (args is ["import", .. var importArgs])
{
    return await HistoryImportCommand.RunAsync(builder, importArgs);
}

if (loadDemo)
{
    builder.AddDemoData();
}

var app = builder.Build();
// outermost, so the request log records the status the client got after the problem mapping, never the exception
app.UseRequestLogging();
app.UseFinsamProblems();
app.UseMiddleware<PersonnummerGate>();
app.UseFinsamOpenApi();
app.UseAuthentication();
app.UseAuthorization();
app.UseMiddleware<IdempotencyMiddleware>();
app.MapHealth();
app.MapFinsamFeatures();
app.MapWorkspace();
await app.MigrateDatabaseAsync();
await app.RunAsync();
return 0;

public partial class Program;
