using HeyGenRender.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The isolated worker: FunctionsApp holds the composition (the tests build the same one).
var builder = FunctionsApplication.CreateBuilder(args);
FunctionsApp.Configure(builder);
builder.Build().Run();
