using HeyGen.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

// Standalone: dotnet run --project src/HeyGen.Emulator -- --urls http://127.0.0.1:5080 [--Emulator:ApiKey=...]
var builder = WebApplication.CreateSlimBuilder(args);
var options = new EmulatorOptions();
builder.Configuration.GetSection(EmulatorOptions.SectionName).Bind(options);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

var host = HeyGenEmulatorHost.Build(builder, options, TimeProvider.System);
await host.RunAsync().ConfigureAwait(false);
