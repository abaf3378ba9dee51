using FinsamOutcomes.Api.Features;
using FinsamOutcomes.Api.Features.Demo;
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
builder.AddFinsamOpenApi();
await builder.AddFinsamDatabaseAsync();
builder.AddFinsamFeatures();
if (loadDemo)
{
    builder.AddDemoData();
}

var app = builder.Build();
app.UseRequestLogging(); // outside the exception handler: it logs the status sent, never the exception (whose text may quote the request)
app.UseFinsamProblems();
app.UseFinsamOpenApi();
app.UseAuthentication();
app.UseAuthorization();
app.UseMiddleware<IdempotencyMiddleware>();
app.MapHealth();
app.MapFinsamFeatures();
await app.MigrateDatabaseAsync();
await app.RunAsync();
return 0;

public partial class Program;
