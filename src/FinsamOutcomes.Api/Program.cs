using FinsamOutcomes.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddFinsamLogging();
await builder.AddFinsamDatabaseAsync();
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();
app.UseRequestLogging();
app.MapHealth();
await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
